import { useRef, useState } from "react";
import type { RedactionKind, SentSegment_Serialize } from "../../bindings";
import { SelectField } from "../../components/SelectField";
import { KIND_LABELS, MANUAL_KINDS, type ExistingPlaceholder } from "./aiDraft";

interface RedactedTextViewProps {
  /** The text that would leave the computer, cut at its placeholders. */
  segments: readonly SentSegment_Serialize[];
  label: string;
  testId: string;
  /** The placeholders of the whole request, that a value redacted by hand can join. */
  placeholders: readonly ExistingPlaceholder[];
  /** Select text, then "Redact this" (as a new value, or the same as `sameAs`'s placeholder). */
  onRedact: (kind: RedactionKind, value: string, sameAs: string | null) => void;
  /** Click a highlight, then "Send as is"; absent when the policy requires redaction. */
  onKeep?: ((kind: RedactionKind, original: string) => void) | undefined;
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
  placeholders,
  onRedact,
  onKeep,
}: RedactedTextViewProps) {
  const textRef = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState("");
  const [kind, setKind] = useState<RedactionKind>("person");
  // The placeholder the selection joins ("same as [CLIENT_1]"); "" for a new value.
  const [sameAs, setSameAs] = useState("");
  const [chosen, setChosen] = useState<Chosen | null>(null);
  // A person's name may be the client's or another party's: both are offered for either.
  const isName = (k: RedactionKind) => k === "person" || k === "client";
  const joinable = placeholders.filter(
    (p) => p.kind === kind || (isName(kind) && isName(p.kind)),
  );
  const joined = joinable.find((p) => p.placeholder === sameAs);

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
                setSameAs("");
              }}
              choices={MANUAL_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
            />
            {joinable.length > 0 && (
              <SelectField
                label="Placeholder"
                placeholder="A new one"
                testId="redact-same-as"
                value={sameAs}
                onChange={setSameAs}
                choices={joinable.map((p) => ({
                  value: p.placeholder,
                  label: `Same as ${p.placeholder} (${p.value})`,
                }))}
              />
            )}
            <button
              type="button"
              className="button"
              data-testid="redact-this"
              onClick={() => {
                if (joined === undefined) onRedact(kind, selected, null);
                else onRedact(joined.kind, selected, joined.value);
                setSelected("");
                setSameAs("");
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
            {onKeep === undefined ? (
              <span className="field__hint" data-testid="redaction-required">
                Your firm&apos;s policy requires redaction: it cannot be sent as is.
              </span>
            ) : (
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
            )}
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
          if (shown === null && segment.unredactedPerson) {
            return (
              <mark
                key={i}
                className="unredacted-person"
                data-testid="unredacted-person"
                title="Looks like a person's name; sent as written"
              >
                {segment.text}
              </mark>
            );
          }
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
