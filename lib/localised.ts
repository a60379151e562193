/** A text a seller reads, in each language of the interface. */
export interface Localised {
  en: string;
  'zh-CN': string;
}

export const both = (en: string, zh: string): Localised => ({ en, 'zh-CN': zh });

/** An error whose message a seller reads, in both languages; `message` is the English, for logs and the command line. */
export class SellerError extends Error {
  constructor(readonly text: Localised) {
    super(text.en);
  }
}

const isLocalised = (text: unknown): text is Localised => typeof text === 'object' && text !== null && 'en' in text && 'zh-CN' in text;

/** What to keep of an error for the seller: both languages of a seller error (or of a text), else its message. */
export function sellerText(error: unknown): Localised | string {
  if (error instanceof SellerError) return error.text;
  if (isLocalised(error)) return error;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A text in the seller's language: a localised text, a seller error's message, or what came as it
 * is (another error's message; a text stored before texts were bilingual).
 */
export function textIn(text: unknown, language: keyof Localised): string {
  if (text instanceof SellerError) return text.text[language];
  if (text instanceof Error) return text.message;
  if (isLocalised(text)) return text[language];
  return String(text);
}
