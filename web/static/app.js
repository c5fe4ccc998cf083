// Chat page: asks /ask, renders cited answers, opens sources with the excerpt highlighted.
// Every piece of user or document text goes in through textContent, never as HTML.
"use strict";

(function () {
  const STORAGE_KEY = "cited-qa-conversation";
  const HISTORY_TURNS = 6;  // recent answered turns sent with a question, so a follow-up is read in context
  const form = document.getElementById("ask-form");
  const input = document.getElementById("question");
  const send = document.getElementById("send");
  const statusLine = document.getElementById("status");
  const conversation = document.getElementById("conversation");
  const emptyState = document.getElementById("empty-state");
  const announcer = document.getElementById("announcer");
  const source = document.getElementById("source");
  const sourceTitle = document.getElementById("source-title");
  const sourceText = document.getElementById("source-text");
  const documents = new Map();
  let turns = load();
  let lastOpener = null;

  function load() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "[]");
      return Array.isArray(saved) ? saved : [];
    } catch (_) {
      return [];
    }
  }

  function save() {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(turns));
    } catch (_) {
      // Storage full or disabled: the conversation still works, it just won't survive a reload.
    }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function citationButton(citation, label) {
    const button = el("button", "cite", label);
    button.type = "button";
    button.dataset.n = String(citation.n);
    button.setAttribute("aria-label", "Open source " + citation.n + ": " + citation.title);
    button.addEventListener("click", () => openSource(citation, button));
    return button;
  }

  function renderAnswerText(response) {
    const paragraph = el("p", "answer-text");
    const byNumber = new Map(response.citations.map((c) => [c.n, c]));
    const parts = response.answer.split(/\[(\d+)\]/);
    parts.forEach((part, i) => {
      if (i % 2 === 0) {
        if (part) paragraph.appendChild(document.createTextNode(part));
        return;
      }
      const citation = byNumber.get(Number(part));
      paragraph.appendChild(citation ? citationButton(citation, "[" + part + "]") : document.createTextNode("[" + part + "]"));
    });
    return paragraph;
  }

  function pageLabel(citation) {
    return citation.page ? ", p. " + citation.page : "";
  }

  function renderExcerpts(citations, heading) {
    const box = el("div", "excerpts");
    box.appendChild(el("p", "excerpts-heading", heading));
    const list = el("ol", "excerpt-list");
    citations.forEach((citation) => {
      const item = el("li", "excerpt");
      item.appendChild(citationButton(citation, "[" + citation.n + "]"));
      const body = el("div", "excerpt-body");
      body.appendChild(el("span", "excerpt-title", citation.title + pageLabel(citation)));
      body.appendChild(el("q", "excerpt-text", citation.excerpt));
      item.appendChild(body);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function renderTurn(turn) {
    const item = el("li", "turn");
    item.appendChild(el("p", "question", turn.question));
    if (turn.alone) item.appendChild(el("p", "reading", "Asked on its own, without the earlier questions."));
    if (turn.error) {
      const error = el("p", "reply error", turn.error);
      error.setAttribute("role", "alert");
      item.appendChild(error);
      return item;
    }
    const response = turn.response;
    const reply = el("div", response.answered ? "reply answered" : "reply not-covered");
    const reading = renderReading(turn);
    if (reading) reply.appendChild(reading);
    if (response.answered) {
      reply.appendChild(renderAnswerText(response));
      if (response.citations.length) reply.appendChild(renderExcerpts(response.citations, "Sources"));
      const related = response.related || [];
      if (related.length) reply.appendChild(renderExcerpts(related, "Also worth reading (not part of the answer):"));
    } else {
      reply.appendChild(el("p", "answer-text", response.answer));  // the service's own "not covered" text
      if (response.reason) reply.appendChild(el("p", "reason", "Why: " + response.reason + "."));
      if (response.citations.length) {
        reply.appendChild(renderExcerpts(response.citations, "Closest passages, for you to check (not an answer):"));
      }
    }
    item.appendChild(reply);
    return item;
  }

  // How the question was read: as a follow-up to earlier questions (with a way to ask it alone), or alone.
  function renderReading(turn) {
    const followed = turn.followed || [];
    if (!followed.length) return null;
    const line = el("p", "reading");
    line.appendChild(document.createTextNode("Read as a follow-up to: " + followed.map((q) => "“" + q + "”").join(" and ")));
    const terms = (turn.response.context && turn.response.context.terms) || [];
    if (terms.length) line.appendChild(el("span", "reading-terms", " (carrying over: " + terms.join(", ") + ")"));
    line.appendChild(document.createTextNode(" "));
    const alone = el("button", "secondary alone", "Ask it on its own");
    alone.type = "button";
    alone.setAttribute("aria-label", "Ask it on its own: “" + turn.question + "”, without the earlier questions");
    alone.addEventListener("click", () => {
      if (!send.disabled) ask(turn.question, { alone: true });
    });
    line.appendChild(alone);
    return line;
  }

  function render() {
    conversation.replaceChildren(...turns.map(renderTurn));
    emptyState.hidden = turns.length > 0;
  }

  function announce(turn) {
    if (turn.error) announcer.textContent = "Error: " + turn.error;
    else if (turn.response.answered) announcer.textContent = "Answer: " + turn.response.answer.replace(/\s*\[\d+\]/g, "");
    else announcer.textContent = turn.response.answer;
  }

  async function errorMessage(response) {
    let detail = "";
    try {
      const body = await response.json();
      detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch (_) {
      detail = response.statusText;
    }
    if (response.status >= 500) return "The service could not answer (" + response.status + "): " + detail;
    return "The question was not accepted (" + response.status + "): " + detail;
  }

  function setBusy(busy) {
    send.disabled = busy;
    statusLine.hidden = !busy;
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  // The recent turns the service answered, oldest first, as /ask's history.
  function recentHistory() {
    return turns
      .filter((turn) => turn.response)
      .slice(-HISTORY_TURNS)
      .map((turn) => ({ question: turn.question, answer: turn.response.answer }));
  }

  async function ask(question, options) {
    const alone = Boolean(options && options.alone);
    const history = alone ? [] : recentHistory();
    setBusy(true);
    let turn;
    try {
      const response = await fetch("/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(history.length ? { question: question, history: history } : { question: question }),
      });
      if (response.ok) {
        const body = await response.json();
        const followed = ((body.context && body.context.turns) || []).map((i) => history[i].question);
        turn = { question: question, response: body, followed: followed, alone: alone };
      } else {
        turn = { question: question, error: await errorMessage(response) };
      }
    } catch (error) {
      turn = { question: question, error: "Could not reach the service. Check your connection and try again." };
    } finally {
      setBusy(false);
    }
    turns.push(turn);
    save();
    render();
    announce(turn);
    conversation.lastElementChild.scrollIntoView({ block: "nearest" });
  }

  async function fetchDocument(docId) {
    if (!documents.has(docId)) {
      const response = await fetch("/documents/" + encodeURIComponent(docId));
      if (!response.ok) throw new Error(await errorMessage(response));
      documents.set(docId, await response.json());
    }
    return documents.get(docId);
  }

  async function openSource(citation, opener) {
    lastOpener = opener;
    source.hidden = false;
    document.body.classList.add("source-open");
    sourceTitle.textContent = citation.title + pageLabel(citation);
    sourceText.replaceChildren(el("p", "status", "Loading the source…"));
    try {
      const doc = await fetchDocument(citation.doc_id);
      const before = doc.text.slice(0, citation.start);
      const mark = el("mark", "", doc.text.slice(citation.start, citation.end));
      mark.id = "cited";
      sourceText.replaceChildren(document.createTextNode(before), mark, document.createTextNode(doc.text.slice(citation.end)));
      mark.scrollIntoView({ block: "center" });
    } catch (error) {
      sourceText.replaceChildren(el("p", "reply error", "Could not open the source: " + error.message));
    }
    sourceText.focus({ preventScroll: true });
  }

  function closeSource() {
    source.hidden = true;
    document.body.classList.remove("source-open");
    if (lastOpener && document.contains(lastOpener)) lastOpener.focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || send.disabled) return;
    input.value = "";
    ask(question);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  document.querySelectorAll(".example").forEach((button) => {
    button.addEventListener("click", () => {
      input.value = button.textContent;
      form.requestSubmit();
    });
  });
  document.getElementById("new-conversation").addEventListener("click", () => {
    turns = [];
    save();
    render();
    closeSource();
    announcer.textContent = "New conversation started.";
    input.focus();
  });
  document.getElementById("close-source").addEventListener("click", closeSource);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !source.hidden) closeSource();
  });

  render();
})();
