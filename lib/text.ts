/** A name or value as a message quotes it: a long one cut, so a 10 MB cell or name gives a one-line message. */
export const clip = (text: string, length = 40): string => (text.length > length ? `${text.slice(0, length)}…` : text);
