import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ruleFileHistory, ruleFileTexts, shippedText } from '../db/rule-files';
import type { Database } from '../db/schema';
import type { RulePreview } from '../engine/preview';
import type { PreviewReply } from '../db/customer-table';
import { defaultRegistry } from '../engine/registry';
import { checkRuleFile, problemLine, type RuleProblem } from '../engine/validate';
import { sendMessage } from '../messaging';
import { downloadBlob } from './csv-export';
import { customerQueries } from './customer-queries';
import { formatCount, formatInstant } from './format';
import { localised, translator, type Language } from './i18n';

/** A problem as the editor marks it: the whole line the checker names (the first line when it names none). */
function diagnosticsOf(view: EditorView, problems: readonly RuleProblem[], language: Language): Diagnostic[] {
  return problems.map((problem) => {
    const line = view.state.doc.line(Math.min(Math.max(problem.line ?? 1, 1), view.state.doc.lines));
    return { from: line.from, to: Math.max(line.to, line.from + 1), severity: 'error', message: `${problem.pointer || '/'}: ${problem.message[language]}` };
  });
}

/** Fact names after `"fact": "`, operators after `"operator": "`, each with what it means. */
function completions(language: Language) {
  const registry = defaultRegistry();
  return (context: CompletionContext): CompletionResult | null => {
    const before = context.matchBefore(/"(fact|operator)"\s*:\s*"[\w:]*/);
    if (!before) return null;
    const from = before.from + before.text.lastIndexOf('"') + 1;
    if (before.text.startsWith('"fact"')) {
      return { from, options: [...registry.facts].map(([name, spec]) => ({ label: name, type: 'property', detail: spec.type, info: localised(spec.description, language) })) };
    }
    return { from, options: [...registry.operators.keys()].map((name) => ({ label: name, type: 'keyword' })) };
  };
}

/** A file as the dashboard read it, with its preview asked for while this module loaded (see LazyRuleEditor). */
export interface OpenedRuleFile {
  text: string;
  storeVersion: string;
  preview: Promise<PreviewReply>;
  askedAt: number;
}

/** One rule file in CodeMirror: problems marked at their line, completion of facts, a live preview over the shop's customers. */
export function RuleEditor({ db, language, file, storeVersion, onSaved, opened }: { db: Database; language: Language; file: string; storeVersion: string; onSaved(): void; opened?: OpenedRuleFile }) {
  const t = translator(language);
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [text, setText] = useState<string | null>(opened?.text ?? null);
  // With the number of customers it was worked out over: until the new one is done, the old one shows its own.
  const [preview, setPreview] = useState<(RulePreview & { over: number; notListed: number; spent?: unknown }) | null>(null);
  // Why there is no preview over the customers (no table yet, or it could not be read): the file had no problems, so it can be saved.
  const [previewProblem, setPreviewProblem] = useState<string | null>(null);
  // A large shop's preview takes a moment: the seller sees that it is on its way.
  const [previewing, setPreviewing] = useState(false);
  const [versions, setVersions] = useState<Array<{ text: string; savedAt: number }>>([]);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  useEffect(() => {
    if (!opened) void ruleFileTexts(db).then((files) => setText(files.find((f) => f.file === file)?.text ?? ''));
    void ruleFileHistory(db, file).then(setVersions);
  }, [db, file]);

  /** Puts the cursor on a problem's line, scrolled into the middle of the editor. */
  const goToLine = (number: number | undefined) => {
    const editor = view.current;
    if (!editor || !number) return;
    const line = editor.state.doc.line(Math.min(Math.max(number, 1), editor.state.doc.lines));
    editor.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: 'center' }) });
    editor.focus();
  };

  // The preview, a moment after the last keystroke (at once for the text as opened), worked out by the query worker from the customer table.
  // Declared before the editor: the text as opened is asked for before the editor is built, which the worker's answer then overlaps.
  const previewed = useRef(false);
  useEffect(() => {
    if (text === null) return;
    let current = true;
    const pause = previewed.current ? 250 : 0;
    previewed.current = true;
    // The text as opened was asked for already, while this module loaded.
    const early = pause === 0 && opened?.text === text && opened.storeVersion === storeVersion ? opened : null;
    const ask = () => {
      setPreviewing(true);
      const askedAt = early?.askedAt ?? performance.timeOrigin + performance.now();
      void (early?.preview ?? customerQueries().preview({ storeVersion, text, file }))
        .then((reply) => {
          if (!current) return;
          setPreviewing(false);
          setPreview(reply.kind === 'preview' ? { ...reply.preview, over: reply.over, notListed: reply.notListed, spent: { ...reply.spent, askedAt } } : null);
          setPreviewProblem(reply.kind === 'missing' ? t('previewTableMissing') : reply.kind === 'failed' ? `${t('customersReadFailed')} ${reply.message}` : null);
        });
    };
    const timer = pause > 0 ? setTimeout(ask, pause) : undefined;
    if (pause === 0) ask();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, storeVersion]);

  // The editor, made once the text is read; typing updates `text`, which the preview follows.
  useEffect(() => {
    if (text === null || !host.current || view.current) return;
    const registry = defaultRegistry();
    view.current = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          lineNumbers(),
          history(),
          bracketMatching(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          json(),
          syntaxHighlighting(defaultHighlightStyle),
          lintGutter(),
          linter((editor) => diagnosticsOf(editor, checkRuleFile(editor.state.doc.toString(), file, registry).problems, language), { delay: 250 }),
          autocompletion({ override: [completions(language)] }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) setText(update.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': `${t('editorTitle')}: ${file}` }),
        ],
      }),
    });
    return () => {
      view.current?.destroy();
      view.current = null;
    };
  }, [text === null]);

  const replaceText = (next: string) => view.current?.dispatch({ changes: { from: 0, to: view.current.state.doc.length, insert: next } });
  const save = async () => {
    if (text === null) return;
    const { problems } = await sendMessage('saveRuleFile', { file, text });
    if (problems.length > 0) {
      setMessage({ text: problems.map(problemLine(language)).join('\n'), error: true });
      return;
    }
    setMessage({ text: t('editorSaved'), error: false });
    setVersions(await ruleFileHistory(db, file));
    onSaved();
  };
  const shipped = shippedText(file);

  return (
    <section class="tm-page tm-rule-editor" aria-labelledby="editor-title">
      <p>
        <a href="#rules">← {t('editorBack')}</a>
      </p>
      <h1 id="editor-title">
        {t('editorTitle')}: <code>{file}</code>
      </h1>
      <p class="tm-muted">{t('editorHint')}</p>
      {message && (
        <p class={message.error ? 'tm-error' : 'tm-notice'} role={message.error ? 'alert' : 'status'} id="tm-editor-message">
          {message.text}
        </p>
      )}
      <div class="tm-editor-layout">
        <div>
          <div class="tm-editor" ref={host} />
          <div class="tm-toolbar">
            <button type="button" class="tm-primary" id="tm-editor-save" disabled={previewProblem === null && (!preview || preview.problems.length > 0)} onClick={() => void save()}>
              {t('editorSave')}
            </button>
            <button type="button" class="tm-link" id="tm-editor-export" onClick={() => downloadBlob(file, new Blob([text ?? ''], { type: 'application/json' }))}>
              {t('editorExport')}
            </button>
            {shipped !== null && (
              <button type="button" class="tm-link" id="tm-editor-reset" onClick={() => replaceText(shipped)}>
                {t('editorReset')}
              </button>
            )}
          </div>
        </div>
        <aside class="tm-card tm-editor-side" aria-live="polite">
          <h2>{t('editorProblems')}</h2>
          {preview && preview.problems.length === 0 && <p class="tm-muted">{t('editorNoProblems')}</p>}
          <ul class="tm-editor-problems">
            {preview?.problems.map((problem) => (
              <li class="tm-error" data-line={problem.line ?? ''}>
                <button type="button" class="tm-link tm-problem-line" onClick={() => goToLine(problem.line)}>
                  {problemLine(language)(problem)}
                </button>
              </li>
            ))}
          </ul>
          <h2>{t('editorPreview')}</h2>
          {previewing && (
            <p class="tm-muted" id="tm-previewing" role="status">
              {t('editorPreviewing')}
            </p>
          )}
          {previewProblem && (
            <p class="tm-notice" id="tm-preview-problem" role="status">
              {previewProblem}
            </p>
          )}
          {preview && preview.problems.length === 0 && preview.notListed > 0 && (
            <p class="tm-notice" id="tm-preview-not-listed">
              {formatCount(preview.notListed, language)} {t('previewNotListed')}
            </p>
          )}
          {preview && preview.problems.length === 0 && (
            <>
              <p>
                <strong id="tm-preview-matches" data-spent={JSON.stringify(preview.spent ?? null)}>{formatCount(preview.matches, language)}</strong> / {formatCount(preview.over, language)} {t('editorMatches')}
                {preview.sample.length > 0 && (
                  <span class="tm-muted">
                    {' '}
                    · {t('editorSample')} {preview.sample.join(', ')}
                  </span>
                )}
              </p>
              <ul class="tm-preview-rules">
                {preview.rules.map((rule) => (
                  <li data-rule={rule.ref}>
                    {rule.label ? localised(rule.label, language) : rule.ref}: <strong class="tm-preview-count">{formatCount(rule.matches, language)}</strong>
                  </li>
                ))}
              </ul>
            </>
          )}
          {versions.length > 0 && (
            <>
              <h2>{t('editorVersions')}</h2>
              <ul class="tm-editor-versions">
                {versions.map((version) => (
                  <li>
                    {version.savedAt ? formatInstant(version.savedAt, language) : t('editorShipped')}{' '}
                    <button type="button" class="tm-link" onClick={() => replaceText(version.text)}>
                      {t('editorLoad')}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </aside>
      </div>
    </section>
  );
}
