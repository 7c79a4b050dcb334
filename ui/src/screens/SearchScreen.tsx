import { useId, useState } from "react";

export function SearchScreen() {
  const inputId = useId();
  const [query, setQuery] = useState("");
  const trimmed = query.trim();

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
          Search clients, notes and drafts
        </label>
        <input
          id={inputId}
          className="search__input"
          type="search"
          autoComplete="off"
          spellCheck={false}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
          }}
        />
      </form>
      <div className="empty-state" role="status">
        <h2 className="empty-state__title">
          {trimmed === "" ? "Nothing to search yet" : `No matches for “${trimmed}”`}
        </h2>
        <p className="empty-state__text">
          This workspace has no clients, notes or drafts yet. Once it does, you can find them here
          by a client's name or any word in their notes and drafts.
        </p>
      </div>
    </>
  );
}
