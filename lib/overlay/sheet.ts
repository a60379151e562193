/** Our styles for a kind of shadow root: made into one constructed sheet on first use, shared by every root. */
export interface SharedSheet {
  css: string;
  sheet(): CSSStyleSheet;
}

export function sharedSheet(css: string): SharedSheet {
  let sheet: CSSStyleSheet | null = null;
  return {
    css,
    sheet() {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
      }
      return sheet;
    },
  };
}

/**
 * Gives a shadow root our styles: the shared constructed sheet where the browser lets a content
 * script adopt one, else a <style> of the same text (Firefox's content scripts may not adopt a
 * sheet made in their own compartment).
 */
export function adoptSheet(shadow: ShadowRoot, shared: SharedSheet): void {
  try {
    shadow.adoptedStyleSheets = [shared.sheet()];
    if (shadow.adoptedStyleSheets.length === 1) return;
  } catch {
    // a <style> below
  }
  const style = document.createElement('style');
  style.textContent = shared.css;
  shadow.append(style);
}
