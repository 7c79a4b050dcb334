import { useRef, useState } from "react";
import type { RedactionKind, SentSegment_Serialize } from "../../bindings";
import { SelectField } from "../../components/SelectField";
import { KIND_LABELS, MANUAL_KINDS } from "./aiDraft";

interface RedactedTextViewProps {
  /** The text that would leave the computer, cut at its placeholders. */
  segments: readonly SentSegment_Serialize[];
  label: string;
  testId: string;
  /** Select text, then "Redact this". */
  onRedact: (kind: RedactionKind, value: string) => void;
  /** Click a highlight, then "Send as is". */
  onKeep: (kind: RedactionKind, original: string) => void;
}

interface Chosen {
  placeholder: string;
  kind: RedactionKind;
  original: string;
}

/**
 * Exactly the text that would be sent, each placeholder highlighted with its kind. Text is only
 * ever rendered as text nodes: nothing in it is markup.
 */
export function RedactedTextView({
  segments,
  label,
  testId,
  onRedact,
  onKeep,
}: RedactedTextViewProps) {
  const textRef = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState("");
  const [kind, setKind] = useState<RedactionKind>("person");
  const [chosen, setChosen] = useState<Chosen | null>(null);

  // What the user selected inside this text, if anything.
  const readSelection = () => {
    const selection = window.getSelection();
    const inside =
      selection !== null &&
      selection.rangeCount > 0 &&
      textRef.current !== null &&
      textRef.current.contains(selection.anchorNode) &&
      textRef.current.contains(selection.focusNode);
    setSelected(inside ? selection.toString().trim() : "");
  };

  return (
    <div className="sent-text" data-testid={testId}>
      <div className="sent-text__tools" aria-live="polite">
        {selected !== "" && (
          <div className="sent-text__tool" data-testid="redact-selection">
            <span>
              Selected: <q className="sent-text__value">{selected}</q>
            </span>
            <SelectField
              label="Redact as"
              placeholder="Kind"
              testId="redact-kind"
              value={kind}
              onChange={(value) => {
                if (value !== "") setKind(value);
              }}
              choices={MANUAL_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
            />
            <button
              type="button"
              className="button"
              data-testid="redact-this"
              onClick={() => {
                onRedact(kind, selected);
                setSelected("");
              }}
            >
              Redact this
            </button>
          </div>
        )}
        {chosen !== null && (
          <div className="sent-text__tool" data-testid="chosen-redaction">
            <span>
              {chosen.placeholder} stands for{" "}
              <q className="sent-text__value">{chosen.original}</q> (
              {KIND_LABELS[chosen.kind].toLowerCase()}).
            </span>
            <button
              type="button"
              className="button"
              data-testid="send-as-is"
              onClick={() => {
                onKeep(chosen.kind, chosen.original);
                setChosen(null);
              }}
            >
              Send as is
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setChosen(null);
              }}
            >
              Keep redacted
            </button>
          </div>
        )}
      </div>
      {/* The text is not a control: a selection made in it is read when the mouse or a key
          is released. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions */}
      <div
        ref={textRef}
        className="sent-text__body"
        role="region"
        aria-label={label}
        onMouseUp={readSelection}
        onKeyUp={readSelection}
      >
        {segments.map((segment, i) => {
          const shown = segment.placeholder;
          if (shown === null) return <span key={i}>{segment.text}</span>;
          const kindLabel = KIND_LABELS[shown.kind];
          return (
            <button
              key={i}
              type="button"
              className="redaction"
              data-testid="redaction"
              data-kind={shown.kind}
              title={`${kindLabel}: ${shown.original}`}
              aria-label={`${segment.text}, ${kindLabel.toLowerCase()} redacted`}
              onClick={() => {
                setChosen({ placeholder: segment.text, kind: shown.kind, original: shown.original });
              }}
            >
              {segment.text}
            </button>
          );
        })}
      </div>
    </div>
  );
}
