// placeholder: replaced by the import work (issue 6)
export async function runImport(): Promise<never> { throw new Error('import: not built yet'); }
