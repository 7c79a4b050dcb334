import { useEffect, useId, useRef } from "react";
import { DateTime } from "../../components/DateTime";
import { InlineError } from "../../components/InlineError";
import { focusFirstItem } from "../../components/listNavigation";
import { RecordList } from "../../components/RecordList";
import { countOf } from "../../format/counts";
import { noteTitle } from "../../format/noteTitle";
import type { ClientsRoute } from "../clients/routes";
import { KIND_LABEL, routeFor } from "./searchHits";
import { Snippet } from "./Snippet";
import { useSearch, type SearchState } from "./useSearch";

interface SearchScreenProps {
  query: string;
  onQueryChange: (query: string) => void;
  /** Bumped (by Ctrl+K) to put the cursor in the search box. */
  focusRequest: number;
  onOpen: (route: ClientsRoute) => void;
}

function statusText(search: SearchState): string {
  switch (search.state) {
    case "idle":
      return "Type a client's name, an A-number or receipt number, or any word from a note.";
    case "searching":
      return "Searching…";
    case "done":
      return search.hits.length === 0
        ? `No matches for “${search.query}”. Check the spelling, or try fewer words.`
        : `${countOf(search.hits.length, "result")} for “${search.query}”`;
    case "failed":
      return "The search did not finish.";
  }
}

/** Searches clients, matters and notes as the user types; a result opens where it belongs. */
export function SearchScreen({ query, onQueryChange, focusRequest, onOpen }: SearchScreenProps) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const search = useSearch(query);

  useEffect(() => {
    if (focusRequest === 0) return;
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [focusRequest]);

  const hits = search.state === "done" || search.state === "searching" ? search.hits : [];

  return (
    <>
      <form
        className="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        <label className="search__label" htmlFor={inputId}>
          Search clients, matters and notes
        </label>
        <input
          id={inputId}
          ref={inputRef}
          className="search__input"
          type="search"
          autoComplete="off"
          spellCheck={false}
          data-testid="search-input"
          aria-keyshortcuts="Control+K Meta+K"
          value={query}
          onChange={(event) => {
            onQueryChange(event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === "ArrowDown" && focusFirstItem(listRef)) event.preventDefault();
          }}
        />
      </form>

      <p className="quiet" role="status">
        {statusText(search)}
      </p>
      {search.state === "failed" && <InlineError error={search.error} />}

      {hits.length > 0 && (
        <RecordList
          ref={listRef}
          aria-label="Search results"
          aria-busy={search.state === "searching"}
          items={hits}
          itemKey={(hit) => `${hit.kind}:${String(hit.id)}`}
          itemTestId="search-hit"
          itemAttributes={(hit) => ({ "data-kind": hit.kind, "data-id": hit.id })}
          onOpen={(hit) => {
            onOpen(routeFor(hit));
          }}
          onExitTop={() => inputRef.current?.focus()}
          renderItem={(hit) => (
            <>
              <span className="record__kind">{KIND_LABEL[hit.kind]}</span>
              <span className="record__title">
                {hit.kind === "note" ? noteTitle(hit.title) : hit.title}
              </span>
              {hit.snippet.length > 0 && (
                <span className="record__preview">
                  <Snippet segments={hit.snippet} />
                </span>
              )}
              <span className="record__meta">
                <span>
                  Updated <DateTime iso={hit.updatedAt} />
                </span>
              </span>
            </>
          )}
        />
      )}
    </>
  );
}
