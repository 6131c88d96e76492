// placeholder: replaced by the serve work (issue 9)
export async function runServe(): Promise<never> { throw new Error('serve: not built yet'); }
