/** Placeholder; filled by a later step. */
export const handler = async (): Promise<void> => {};
