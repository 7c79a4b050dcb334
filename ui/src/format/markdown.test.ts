import { describe, expect, it } from "vitest";
import { renderMarkdown, sanitizeHtml } from "./markdown";

/** The rendering as a DOM, to ask what it holds. */
function rendered(text: string, topLevel = 3): HTMLElement {
  const container = document.createElement("div");
  container.innerHTML = renderMarkdown(text, topLevel);
  return container;
}

/** Nothing that runs, loads or navigates: no scripts, handlers, images, frames or links. */
function expectInert(container: HTMLElement) {
  expect(container.querySelectorAll("script, img, iframe, object, embed, a, style, form")).toHaveLength(0);
  for (const element of container.querySelectorAll("*")) {
    for (const attribute of element.getAttributeNames()) {
      expect(["class", "start"], `${element.tagName} ${attribute}`).toContain(attribute);
      expect(element.getAttribute(attribute)).not.toMatch(/javascript:|url\(/i);
    }
  }
}

describe("renderMarkdown", () => {
  it("renders headings, lists, emphasis, code and quotes", () => {
    const view = rendered(
      [
        "# Intake",
        "",
        "Client brought **both passports** and her *I-94*; see `EAC2390123456`.",
        "",
        "## Next steps",
        "",
        "- Request FOIA",
        "- Translate birth certificate",
        "",
        "3. Third",
        "4. Fourth",
        "",
        "> Officer asked about 2019 entry.",
        "",
        "~~old plan~~",
      ].join("\n"),
    );
    expect(view.querySelector("h3")?.textContent).toBe("Intake");
    expect(view.querySelector("h3")?.className).toBe("markdown__h1");
    expect(view.querySelector("h4")?.textContent).toBe("Next steps");
    expect(view.querySelector("strong")?.textContent).toBe("both passports");
    expect(view.querySelector("em")?.textContent).toBe("I-94");
    expect(view.querySelector("code")?.textContent).toBe("EAC2390123456");
    expect([...view.querySelectorAll("ul > li")].map((li) => li.textContent)).toEqual([
      "Request FOIA",
      "Translate birth certificate",
    ]);
    expect(view.querySelector("ol")?.getAttribute("start")).toBe("3");
    expect(view.querySelector("blockquote")?.textContent).toContain("2019 entry");
    expect(view.querySelector("s")?.textContent).toBe("old plan");
    expectInert(view);
  });

  it("keeps the note's line breaks and nests headings under the page's own", () => {
    const view = rendered("Met.\nNo documents yet.\n\n###### Deep", 5);
    expect(view.querySelector("p")?.innerHTML).toBe("Met.<br>\nNo documents yet.");
    expect(view.querySelector("h6")?.textContent).toBe("Deep");
  });

  it("shows raw HTML as the text it is and never runs it", () => {
    const view = rendered(
      [
        "<script>window.pwned = true</script>",
        "",
        '<img src="x" onerror="window.pwned = true">',
        "",
        'Inline <b onmouseover="window.pwned = true">bold</b> and <iframe src="https://example.org"></iframe>',
      ].join("\n"),
    );
    expectInert(view);
    expect(view.textContent).toContain("<script>window.pwned = true</script>");
    expect(view.textContent).toContain('<img src="x" onerror="window.pwned = true">');
    expect(view.querySelector("b")).toBeNull();
    expect((window as { pwned?: boolean }).pwned).toBeUndefined();
  });

  it("renders links and images as words, never as navigation or a request", () => {
    const view = rendered(
      [
        "[USCIS case status](https://egov.uscis.gov/)",
        "[click me](javascript:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<https://www.uscis.gov>",
        "![passport scan](https://example.org/scan.png)",
        "![x](x onerror=alert(1))",
      ].join("\n\n"),
    );
    expectInert(view);
    const text = view.textContent;
    expect(text).toContain("USCIS case status (https://egov.uscis.gov/)");
    expect(text).toContain("https://www.uscis.gov");
    expect(text).not.toContain("https://www.uscis.gov (");
    expect(text).toContain("[Image: passport scan]");
    expect(text).not.toContain("scan.png");
    // Not links at all (markdown-it refuses these schemes): the words stay as typed, as text.
    expect(text).toContain("[click me](javascript:alert(1))");
    expect(text).toContain("![x](x onerror=alert(1))");
  });
});

describe("sanitizeHtml", () => {
  it("removes what could run, load or navigate, if anything ever reached it", () => {
    const container = document.createElement("div");
    container.innerHTML = sanitizeHtml(
      [
        "<p onclick=\"alert(1)\">Hello <script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        '<a href="https://example.org">remote</a>',
        "<svg><g onload=\"alert(1)\"></g></svg>",
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<span style="background:url(https://example.org/x)" data-x="1">kept</span></p>',
      ].join(""),
    );
    expectInert(container);
    expect(container.querySelector("svg")).toBeNull();
    expect(container.textContent).toContain("Hello");
    expect(container.textContent).toContain("click");
    expect(container.textContent).toContain("kept");
  });
});
