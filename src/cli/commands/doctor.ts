// placeholder replaced below
export async function runDoctor(): Promise<never> { throw new Error('doctor: not built yet'); }
