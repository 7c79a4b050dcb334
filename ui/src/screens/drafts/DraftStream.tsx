import { Channel } from "@tauri-apps/api/core";
import { useEffect, useEffectEvent, useId, useRef, useState } from "react";
import {
  commands,
  type AiDraftOrder_Serialize,
  type AiDraftRun_Serialize,
  type DraftProgress,
  type IpcError,
} from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { MarkdownView } from "../../components/MarkdownView";
import { runCommand } from "../../ipc/commandResult";
import { formatCount } from "./aiDraft";

interface DraftStreamProps {
  order: AiDraftOrder_Serialize;
  /** The draft is written: open it for review. */
  onDone: (draftId: number) => void;
  /** Refused before anything was sent: back to the preview. */
  onBack: () => void;
}

type Ending =
  | { state: "running" }
  | { state: "refused"; error: IpcError }
  | { state: "ended"; run: AiDraftRun_Serialize };

/**
 * Sends the draft and shows the answer as it arrives (rendered as sanitized Markdown: the
 * model's output is untrusted). Cancel (or Escape) stops it; the text so far is kept.
 */
export function DraftStream({ order, onDone, onBack }: DraftStreamProps) {
  const [draftId, setDraftId] = useState<number | null>(null);
  const [text, setText] = useState("");
  const [ending, setEnding] = useState<Ending>({ state: "running" });
  const [cancelling, setCancelling] = useState(false);
  const [startedAt] = useState(() => Date.now());
  const [now, setNow] = useState(startedAt);
  const sent = useRef(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const headingId = useId();

  useEffect(() => {
    // One send per view, even when React runs effects twice in development.
    if (sent.current) return;
    sent.current = true;
    const channel = new Channel<DraftProgress>();
    channel.onmessage = (event) => {
      if (event.event === "started") setDraftId(event.draftId);
      else setText((previous) => previous + event.text);
    };
    // Not tracked as a pending write: reads elsewhere need not wait for a whole answer.
    void runCommand(() => commands.sendAiDraft(order, channel)).then((result) => {
      if (result.status === "error") setEnding({ state: "refused", error: result.error });
      else if (result.data.failure === null) onDone(result.data.draft.draft.id);
      else setEnding({ state: "ended", run: result.data });
    });
  }, [order, onDone]);

  const running = ending.state === "running";
  useEffect(() => {
    if (!running) return;
    cancelRef.current?.focus();
    const timer = window.setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      window.clearInterval(timer);
    };
  }, [running]);

  const cancel = () => {
    if (draftId === null || cancelling) return;
    setCancelling(true);
    void runCommand(() => commands.cancelAiDraft(draftId));
  };
  const onEscape = useEffectEvent(cancel);

  // Escape cancels wherever the focus is while the draft is written.
  useEffect(() => {
    if (!running) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      onEscape();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
    };
  }, [running]);

  const seconds = Math.round((now - startedAt) / 1000);
  return (
    <section
      className="panel form draft-stream"
      data-testid="draft-stream"
      aria-labelledby={headingId}
      aria-busy={running}
    >
      <h4 id={headingId} className="panel__title">
        {order.profile === null ? "AI draft" : `AI draft with ${order.profile}`}
      </h4>
      <p className="quiet" data-testid="stream-progress" role="status">
        {running
          ? draftId === null
            ? "Sending…"
            : `Writing: ${formatCount(text.length)} characters (about ${formatCount(Math.ceil(text.length / 4))} tokens), ${String(seconds)} s`
          : `${formatCount(text.length)} characters in ${String(seconds)} s`}
      </p>
      <MarkdownView text={text} topLevel={4} className="draft-stream__text" testId="stream-text" />

      {ending.state === "refused" && (
        <>
          <InlineError error={ending.error} testId="send-refused" />
          <div className="form__actions">
            <button type="button" className="button" onClick={onBack}>
              Back to the preview
            </button>
          </div>
        </>
      )}
      {ending.state === "ended" && ending.run.failure !== null && (
        <>
          <div className="notice" role="alert" data-testid="stream-incomplete">
            <p>{ending.run.failure.message}</p>
            <p>
              {ending.run.failure.code === "provider"
                ? "The text received before the provider stopped is kept, and the draft is marked incomplete."
                : "The draft is marked incomplete."}
            </p>
          </div>
          <div className="form__actions">
            <button
              type="button"
              className="button button--primary"
              data-testid="open-incomplete-draft"
              onClick={() => {
                onDone(ending.run.draft.draft.id);
              }}
            >
              Open the draft
            </button>
          </div>
        </>
      )}
      {running && (
        <div className="form__actions">
          <button
            ref={cancelRef}
            type="button"
            className="button"
            data-testid="cancel-draft"
            disabled={draftId === null || cancelling}
            onClick={cancel}
          >
            {cancelling ? "Cancelling…" : "Cancel"}
          </button>
        </div>
      )}
    </section>
  );
}
