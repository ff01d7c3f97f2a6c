import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { linter, lintGutter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { type ErrorMark, errorMarkField, setErrorMark } from './error-mark.ts';
import { javascriptSyntaxLinter } from './javascript-syntax-linter.ts';

export interface CodeEditorProps {
  /** The accessible name of the editing area. */
  label: string;
  language: 'javascript' | 'json';
  value: string;
  onChange(value: string): void;
  /** An error reported by a run, marked on its line until the code changes. */
  errorMark?: ErrorMark | null;
  readOnly?: boolean;
  id?: string;
}

/**
 * CodeMirror 6 with line numbers, highlighting and syntax errors marked inline as you type. Tab is left to
 * move focus, so the editor never traps the keyboard; Escape then Tab also works as in any CodeMirror.
 */
export function CodeEditor({ label, language, value, onChange, errorMark, readOnly, id }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const latestOnChange = useRef(onChange);
  latestOnChange.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the view is made once; value changes are synced below
  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
          language === 'javascript' ? javascript() : json(),
          linter(language === 'javascript' ? javascriptSyntaxLinter : jsonParseLinter(), { delay: 250 }),
          lintGutter(),
          errorMarkField,
          EditorState.readOnly.of(Boolean(readOnly)),
          EditorView.contentAttributes.of({ 'aria-label': label, ...(id ? { id } : {}) }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latestOnChange.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  const markLine = errorMark?.line;
  const markMessage = errorMark?.message;
  useEffect(() => {
    const mark =
      markLine !== undefined && markMessage !== undefined ? { line: markLine, message: markMessage } : null;
    view.current?.dispatch({ effects: setErrorMark.of(mark) });
  }, [markLine, markMessage]);

  return <div className={`code-editor code-editor-${language}`} ref={host} />;
}
