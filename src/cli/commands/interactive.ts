// placeholder: replaced by the interactive work (issue 7)
export async function runInteractive(): Promise<never> { throw new Error('interactive: not built yet'); }
