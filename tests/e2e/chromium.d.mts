export const CHROMIUM: string;
export function ensureChromium(options?: { withFont?: boolean }): string;
