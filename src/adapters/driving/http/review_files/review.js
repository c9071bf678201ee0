// The review page: a small script over the JSON API. Product text is only ever set as text
// (textContent, text nodes), never parsed as HTML. No cookie: the API key stays in this tab's
// sessionStorage and goes out as a Bearer header.
"use strict";

const KEY_STORAGE = "field-lookup-api-key";
const QUEUE_BATCH = 50;
// The statuses that propose something to accept: a value, or that the text gives none.
const PROPOSING = ["ok", "not_found", "queued"];
const $ = (id) => document.getElementById(id);

const state = {
  key: sessionStorage.getItem(KEY_STORAGE),
  fields: new Map(), // code -> {code, label, type, options, unit}
  chosen: new Set(),
  mode: "lookup",
  product: null, // {id, description, rows: [...]}
  current: 0,
  queue: [], // products of the queue
  queueIndex: 0,
  pending: 0,
  decisions: 0,
  me: { may_review: false, may_administer: false }, // GET /api/me: what the key's role allows
};

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (state.key) headers.Authorization = `Bearer ${state.key}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers, credentials: "omit" });
  if (response.status === 401) throw new Unauthorized((await detail(response)) || "a key is needed");
  if (!response.ok) throw new Error(await detail(response) || `HTTP ${response.status}`);
  return response;
}

async function detail(response) {
  try {
    const body = await response.json();
    if (Array.isArray(body.detail)) {
      return body.detail.map((item) => `${(item.loc || []).slice(1).join(".")}: ${item.msg}`).join("; ");
    }
    return String(body.detail ?? "");
  } catch {
    return response.status === 429 ? "too many requests: wait a moment" : `HTTP ${response.status}`;
  }
}

function say(text) {
  $("message").textContent = text || "";
}

function failed(error) {
  if (error instanceof Unauthorized) askForKey(error.message);
  else say(`Error: ${error.message}`);
}

// --- the key ---

function askForKey(reason) {
  $("app").hidden = true;
  $("signed-in").hidden = true;
  $("key-panel").hidden = false;
  $("key-error").textContent = state.key ? reason : "";
  $("api-key").focus();
}

async function start() {
  say("");
  try {
    state.me = await (await api("/api/me")).json();
    const llms = await (await api("/api/llms")).json();
    const fields = await (await api("/api/fields")).json();
    $("key-panel").hidden = true;
    $("app").hidden = false;
    $("signed-in").hidden = !state.key;
    $("signed-in-text").textContent = state.key
      ? `Key ${state.me.key} (role ${state.me.role}, tenant ${state.me.tenant}).`
      : "";
    showWhatTheRoleAllows();
    fillLLMs(llms);
    state.fields = new Map(fields.map((field) => [field.code, field]));
    renderFieldList();
    if (state.me.may_review) await refreshQueueCount();
    performance.mark("page-ready");
  } catch (error) {
    failed(error);
  }
}

// Only what the key's role allows is shown: a lookup key looks up, without the queue or decisions.
function showWhatTheRoleAllows() {
  $("mode-queue").hidden = !state.me.may_review;
  $("decision-heading").hidden = !state.me.may_review;
  $("values-caption").textContent = state.me.may_review
    ? "Values: accept, correct or reject each one"
    : "Values (this key looks up only: a reviewer key decides)";
  for (const key of ["a", "c", "r"]) $(`shortcut-${key}`).hidden = !state.me.may_review;
}

// --- fields and LLMs ---

function fillLLMs({ default: chosen, llms }) {
  const select = $("llm");
  select.replaceChildren(...llms.map((name) => new Option(name, name, name === chosen, name === chosen)));
}

function renderFieldList() {
  const words = $("field-search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const matches = [...state.fields.values()].filter((field) => {
    const haystack = `${field.code} ${field.label}`.toLowerCase();
    return state.chosen.has(field.code) || words.every((word) => haystack.includes(word));
  });
  const shown = matches.slice(0, 60);
  $("field-list").replaceChildren(...shown.map(fieldChoice));
  const more = matches.length - shown.length;
  $("field-count").textContent =
    `${state.chosen.size} chosen of ${state.fields.size} fields` + (more > 0 ? `; ${more} more match: search to narrow` : "");
}

function fieldChoice(field) {
  const id = `choose-${field.code}`;
  const box = element("input", { type: "checkbox", id, value: field.code });
  box.checked = state.chosen.has(field.code);
  box.addEventListener("change", () => {
    if (box.checked) state.chosen.add(field.code);
    else state.chosen.delete(field.code);
    $("field-count").textContent = `${state.chosen.size} chosen of ${state.fields.size} fields`;
  });
  const label = element("label", { htmlFor: id }, `${field.label} `);
  label.append(element("span", { className: "code" }, field.code));
  return element("div", { className: "field-choice" }, box, label);
}

// --- looking up, streamed ---

async function lookUp(event) {
  event.preventDefault();
  const description = $("description").value;
  const codes = [...state.chosen];
  if (!description.trim()) return say("Paste a product text first.");
  if (!codes.length) return say("Choose at least one field.");
  say("");
  const llm = $("llm").value;
  showProduct({ id: null, description, rows: codes.map((code) => newRow(code, { status: "waiting" }, llm)) });
  $("lookup-button").disabled = true;
  const started = performance.now();
  let known = 0;
  try {
    const response = await api("/api/product/fields/lookup/stream", {
      method: "POST",
      body: JSON.stringify({ description, fields: codes, llm }),
    });
    for await (const line of ndjson(response)) {
      if (line.summary) {
        $("progress").textContent = `${codes.length} values in ${Math.round(line.elapsed_ms)} ms (${line.llm})`;
        continue;
      }
      const row = state.product.rows.find((candidate) => candidate.code === line.field);
      if (!row) continue;
      row.outcome = line;
      row.llm = line.llm || llm;
      replaceRow(row);
      known += 1;
      $("progress").textContent = `${known} of ${codes.length} values known (${Math.round(performance.now() - started)} ms)`;
    }
  } catch (error) {
    failed(error);
  } finally {
    $("lookup-button").disabled = false;
  }
}

async function* ndjson(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffered += decoder.decode(value || new Uint8Array(), { stream: !done });
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const text = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (text) yield JSON.parse(text);
    }
    if (done) return;
  }
}

// --- the product and its values ---

function newRow(code, outcome, llm, queueItem = null) {
  return { code, outcome, llm, queueItem, decision: null, error: "" };
}

function showProduct(product) {
  state.product = product;
  state.current = 0;
  $("results").hidden = false;
  $("product-id").textContent = product.id ? product.id : "(pasted text)";
  $("progress").textContent = "";
  renderText([]);
  $("value-rows").replaceChildren(...product.rows.map(renderRow));
  markCurrent(false);
}

function renderText(evidence) {
  // Offsets count code points (as Python does), not UTF-16 units: Array.from splits by code point.
  const characters = Array.from(state.product.description);
  const spans = evidence
    .filter((span) => Number.isInteger(span.start) && Number.isInteger(span.end) && span.start < span.end)
    .map((span) => [Math.max(0, span.start), Math.min(characters.length, span.end)])
    .sort((a, b) => a[0] - b[0]);
  const parts = [];
  let at = 0;
  for (const [start, end] of spans) {
    if (start < at) continue; // overlapping spans: the first one wins
    if (start > at) parts.push(document.createTextNode(characters.slice(at, start).join("")));
    parts.push(element("mark", {}, characters.slice(start, end).join("")));
    at = end;
  }
  parts.push(document.createTextNode(characters.slice(at).join("")));
  $("product-text").replaceChildren(...parts);
}

function fieldOf(code) {
  return state.fields.get(code) || { code, label: code, type: "text", options: [], unit: null, multiple: false };
}

function renderRow(row, index) {
  const field = fieldOf(row.code);
  const outcome = row.outcome;
  const tr = element("tr", { tabIndex: -1, className: row.decision ? "decided" : "" });
  tr.dataset.index = String(index);
  const name = element("th", { scope: "row" }, `${field.label} `);
  name.append(element("span", { className: "code" }, field.code));
  const waiting = outcome.status === "waiting";
  const control = valueInput(field, row, index, waiting);
  const valueCell = element("td", {}, element("label", { htmlFor: `value-${index}`, className: "visually-hidden" }, `Value of ${field.label}`), ...control);
  tr.append(
    name,
    valueCell,
    element("td", {}, ...confidence(outcome.confidence)),
    element("td", {}, reviewFlag(outcome.review)),
    element("td", {}, waiting ? "waiting…" : outcome.status),
  );
  if (state.me.may_review) tr.append(decisionCell(row, index, field, waiting));
  tr.addEventListener("mouseenter", () => renderText(row.outcome.evidence || []));
  tr.addEventListener("mouseleave", () => renderText([]));
  tr.addEventListener("focusin", () => {
    state.current = index;
    markCurrent(false);
    renderText(row.outcome.evidence || []);
  });
  return tr;
}

// One widget per field kind: `input` builds the controls of a value (the first focusable one
// with the id given, the unit after them), `read` reads the value back (null: none). A field
// with several values gets `several`, chips of its kind's values with an add box; a chip of an
// answered or queued item shows its confidence (`items`: the outcome's or the queued value's,
// each with its own), is marked when it is under the field's threshold, and shows its evidence
// in the text when pointed at.
const WIDGETS = {
  select: {
    input(field, value, id) {
      const input = element("select", { id });
      input.append(new Option("—", ""), ...field.options.map((option) => new Option(option, option)));
      input.value = value == null ? "" : String(value);
      return [input];
    },
    read: (field, id) => $(id).value.trim() === "" ? null : $(id).value,
  },
  boolean: {
    input(field, value, id) {
      const input = element("input", { id, type: "checkbox" });
      input.setAttribute("role", "switch");
      input.checked = value === true;
      input.indeterminate = value == null;
      const said = element("span", { className: "switch-text" }, switchText(input));
      input.addEventListener("change", () => { input.indeterminate = false; said.textContent = switchText(input); });
      return [input, said];
    },
    read: (field, id) => $(id).indeterminate ? null : $(id).checked,
  },
  number: {
    input(field, value, id) {
      const input = numberInput(id, value);
      return field.unit ? [input, unitText(field)] : [input];
    },
    read: (field, id) => numberValue($(id)),
  },
  text: {
    input(field, value, id) {
      const input = element("input", { id, type: "text" });
      input.value = value == null ? "" : String(value);
      return [input];
    },
    read: (field, id) => $(id).value.trim() === "" ? null : $(id).value,
  },
  range: {
    input(field, value, id) {
      const low = numberInput(id, value ? value.min : null);
      const high = numberInput(`${id}-max`, value ? value.max : null);
      low.setAttribute("aria-label", `${field.label}: min`);
      high.setAttribute("aria-label", `${field.label}: max`);
      return [low, element("span", { className: "range-to" }, " – "), high, ...(field.unit ? [unitText(field)] : [])];
    },
    read(field, id) {
      const min = numberValue($(id));
      const max = numberValue($(`${id}-max`));
      return min == null && max == null ? null : { min, max };
    },
  },
  several: {
    input(field, value, id, items = []) {
      const chips = element("span", { className: "chips", id: `${id}-chips` });
      const answered = new Map(items.map((item) => [item.value, item]));
      const add = field.type === "select" ? element("select", { id }) : element("input", { id, type: "text", placeholder: "add…" });
      const refresh = () => {
        if (field.type !== "select") return;
        const chosen = new Set([...chips.children].map((chip) => chip.dataset.value));
        add.replaceChildren(new Option("add…", ""), ...field.options.filter((o) => !chosen.has(o)).map((o) => new Option(o, o)));
      };
      const chip = (item) => {
        const trust = answered.get(item);
        const sure = trust && typeof trust.confidence === "number" ? ` ${Math.round(trust.confidence * 100)} %` : "";
        const remove = element("button", { type: "button", className: trust && trust.review ? "chip low" : "chip", title: `Remove ${item}` });
        remove.append(item, ...(sure ? [element("span", { className: "chip-confidence" }, sure)] : []), " ×");
        if (sure) remove.title = `Remove ${item} (confidence${sure}${trust.review ? ", under the threshold" : ""})`;
        if (trust && trust.evidence) {
          remove.addEventListener("mouseenter", () => renderText(trust.evidence));
          remove.addEventListener("focus", () => renderText(trust.evidence));
          remove.addEventListener("mouseleave", () => remove.closest("tr")?.dispatchEvent(new Event("mouseenter")));
        }
        remove.dataset.value = item;
        remove.addEventListener("click", () => { remove.remove(); refresh(); add.focus(); });
        chips.append(remove);
      };
      (Array.isArray(value) ? value : value == null ? [] : [value]).forEach(chip);
      const take = () => {
        const item = add.value.trim();
        if (item && ![...chips.children].some((c) => c.dataset.value === item)) chip(item);
        add.value = "";
        refresh();
      };
      if (field.type === "select") add.addEventListener("change", take);
      add.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && add.value.trim() !== "") { event.preventDefault(); event.stopPropagation(); take(); }
      });
      refresh();
      return [chips, add];
    },
    read(field, id) {
      const items = [...$(`${id}-chips`).children].map((chip) => chip.dataset.value);
      return items.length ? items : null;
    },
  },
};

function widgetOf(field) {
  return field.multiple ? WIDGETS.several : WIDGETS[field.type] || WIDGETS.text;
}

function numberInput(id, value) {
  const input = element("input", { id, type: "number", step: "any", inputMode: "decimal" });
  input.value = value == null ? "" : String(value);
  return input;
}

function numberValue(input) {
  return Number.isFinite(input.valueAsNumber) ? input.valueAsNumber : (input.value.trim() || null);
}

function unitText(field) {
  return element("span", { className: "unit" }, ` ${field.unit}`);
}

function valueInput(field, row, index, waiting) {
  const value = row.decision ? row.decision.kept : row.outcome.value;
  const items = row.decision ? [] : row.outcome.items || [];
  const controls = widgetOf(field).input(field, value, `value-${index}`, items);
  for (const control of controls) {
    for (const input of [control, ...control.querySelectorAll("input, select, button")]) {
      // a lookup key reads values, it does not decide
      if (input.matches("input, select, button")) input.disabled = waiting || !state.me.may_review;
    }
    control.addEventListener("keydown", (event) => {
      if (event.target.matches("button")) return; // a chip's own keys remove it
      if (event.key === "Enter") {
        event.preventDefault();
        decide(index, "correct");
      } else if (event.key === "Escape") {
        event.preventDefault();
        replaceRow(row);
        focusRow(index);
      }
    });
  }
  return controls;
}

function shownValue(value) {
  if (Array.isArray(value)) return value.join(", ");
  if (value !== null && typeof value === "object") return `${value.min ?? "…"} – ${value.max ?? "…"}`;
  return String(value);
}

function switchText(input) {
  return input.indeterminate ? "—" : input.checked ? "yes" : "no";
}

function inputValue(field, index) {
  return widgetOf(field).read(field, `value-${index}`);
}

function confidence(value) {
  if (typeof value !== "number") return ["—"];
  const meter = element("meter", { min: 0, max: 1, low: 0.5, high: 0.8, optimum: 1, value });
  meter.title = `${Math.round(value * 100)} %`;
  return [meter, ` ${Math.round(value * 100)} %`];
}

function reviewFlag(flag) {
  if (flag === true) return element("span", { className: "flag" }, "review");
  if (flag === false) return "no";
  return "—";
}

function decisionCell(row, index, field, waiting) {
  const buttons = [
    ["accept", "Accept"],
    ["correct", "Save correction"],
    ["reject", "Not in the text"],
  ].map(([verdict, text]) => {
    // Accepting a timeout or an error would teach that the text gives nothing: it proposes nothing.
    const proposes = PROPOSING.includes(row.outcome.status);
    const button = element("button", { type: "button", disabled: waiting || (verdict === "accept" && !proposes) }, text);
    button.setAttribute("aria-label", `${text}: ${field.label}`);
    button.addEventListener("click", () => decide(index, verdict));
    return button;
  });
  const outcome = element("span", { className: row.error ? "error" : "done" }, row.error || decisionText(row.decision));
  return element("td", { className: "decision" }, ...buttons, outcome);
}

function decisionText(decision) {
  if (!decision) return "";
  const kept = decision.kept == null ? "no value" : shownValue(decision.kept);
  const said = `${decision.verdict}ed: ${kept} (${decision.reviewer})`; // accepted, corrected, rejected
  if (decision.teaching !== "pending") return said;
  const label = decision.catalogue_value == null ? "no value" : shownValue(decision.catalogue_value);
  return `${said}; the catalogue says ${label}, which stays until an admin accepts this`;
}

function replaceRow(row) {
  const index = state.product.rows.indexOf(row);
  const old = $("value-rows").children[index];
  const fresh = renderRow(row, index);
  old.replaceWith(fresh);
  if (index === state.current) fresh.classList.add("current");
  return fresh;
}

function markCurrent(focus) {
  [...$("value-rows").children].forEach((tr, index) => tr.classList.toggle("current", index === state.current));
  if (focus) focusRow(state.current);
}

function focusRow(index) {
  const tr = $("value-rows").children[index];
  if (tr) tr.focus();
}

// --- decisions ---

async function decide(index, verdict) {
  const row = state.product.rows[index];
  if (!row || row.outcome.status === "waiting") return;
  if (verdict === "accept" && !PROPOSING.includes(row.outcome.status)) {
    row.error = "nothing proposed to accept: correct it, or reject it";
    replaceRow(row);
    return;
  }
  const field = fieldOf(row.code);
  const number = ++state.decisions;
  performance.mark(`decision-sent-${number}`);
  const body = {
    description: state.product.description,
    field: row.code,
    verdict,
    proposed: row.outcome.value ?? null,
    value: verdict === "correct" ? inputValue(field, index) : null,
    llm: row.llm || null,
    confidence: typeof row.outcome.confidence === "number" ? row.outcome.confidence : null,
    product_id: state.product.id,
    queue_item: row.queueItem,
  };
  try {
    row.decision = await (await api("/api/reviews", { method: "POST", body: JSON.stringify(body) })).json();
    row.error = "";
  } catch (error) {
    if (error instanceof Unauthorized) return failed(error);
    row.error = error.message;
    replaceRow(row).querySelector("input, select").focus();
    return;
  }
  replaceRow(row);
  if (row.queueItem) state.pending = Math.max(0, state.pending - 1);
  $("queue-count").textContent = String(state.pending);
  await showNext(index);
  performance.measure("review-round-trip", `decision-sent-${number}`);
}

async function showNext(index) {
  const rows = state.product.rows;
  const next = rows.findIndex((row, position) => position > index && !row.decision);
  const earlier = rows.findIndex((row) => !row.decision);
  if (next >= 0 || (earlier >= 0 && state.mode !== "queue")) {
    state.current = next >= 0 ? next : earlier;
    markCurrent(true);
  } else if (state.mode === "queue") {
    await moveInQueue(1);
  } else {
    markCurrent(true);
  }
}

// --- the queue ---

async function refreshQueueCount() {
  const queue = await (await api(`/api/reviews/queue?limit=${QUEUE_BATCH}`)).json();
  state.queue = queue.products;
  state.pending = queue.pending;
  $("queue-count").textContent = String(queue.pending);
  return queue;
}

async function openQueue() {
  setMode("queue");
  try {
    await refreshQueueCount();
    state.queueIndex = 0;
    showQueued();
  } catch (error) {
    failed(error);
  }
}

function showQueued() {
  const product = state.queue[state.queueIndex];
  if (!product) {
    $("results").hidden = true;
    $("queue-position").textContent = state.pending ? "Loading the next products…" : "The queue is empty: nothing waits for review.";
    $("queue-position").focus();
    return;
  }
  $("queue-position").textContent = `Product ${state.queueIndex + 1} of ${state.queue.length} loaded; ${state.pending} values wait.`;
  const rows = product.items.map((item) =>
    newRow(item.field, { value: item.value, status: "queued", confidence: item.confidence, evidence: item.evidence, review: item.review, items: item.items }, item.llm, item.id),
  );
  showProduct({ id: product.product_id, description: product.description, rows });
  markCurrent(true);
}

async function moveInQueue(step) {
  const target = state.queueIndex + step;
  if (target < 0) return;
  if (target >= state.queue.length) {
    try {
      await refreshQueueCount(); // decided values have left it
    } catch (error) {
      return failed(error);
    }
    state.queueIndex = 0;
  } else {
    state.queueIndex = target;
  }
  showQueued();
}

function setMode(mode) {
  state.mode = mode;
  $("mode-lookup").setAttribute("aria-pressed", String(mode === "lookup"));
  $("mode-queue").setAttribute("aria-pressed", String(mode === "queue"));
  $("lookup-panel").hidden = mode !== "lookup";
  $("queue-panel").hidden = mode !== "queue";
  $("results").hidden = true;
}

// --- the keyboard ---

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || !state.product || $("app").hidden) return;
  const typing = event.target.closest("input, textarea, select");
  if (typing) return;
  const rows = state.product.rows;
  const actions = {
    j: () => move(1), ArrowDown: () => move(1),
    k: () => move(-1), ArrowUp: () => move(-1),
    a: () => state.me.may_review && decide(state.current, "accept"),
    r: () => state.me.may_review && decide(state.current, "reject"),
    c: () => {
      const input = $(`value-${state.current}`);
      if (input && !input.disabled) input.focus();
    },
    n: () => state.mode === "queue" && moveInQueue(1),
    p: () => state.mode === "queue" && moveInQueue(-1),
  };
  const action = actions[event.key];
  if (!action || !rows.length) return;
  event.preventDefault();
  action();
}

function move(step) {
  state.current = Math.min(state.product.rows.length - 1, Math.max(0, state.current + step));
  markCurrent(true);
}

// --- helpers ---

function element(tag, properties = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

document.addEventListener("DOMContentLoaded", () => {
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.key = $("api-key").value.trim();
    sessionStorage.setItem(KEY_STORAGE, state.key);
    $("api-key").value = "";
    start();
  });
  $("forget-key").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORAGE);
    state.key = null;
    askForKey("");
  });
  $("field-search").addEventListener("input", renderFieldList);
  $("lookup-form").addEventListener("submit", lookUp);
  $("mode-lookup").addEventListener("click", () => setMode("lookup"));
  $("mode-queue").addEventListener("click", openQueue);
  $("previous-product").addEventListener("click", () => moveInQueue(-1));
  $("next-product").addEventListener("click", () => moveInQueue(1));
  document.addEventListener("keydown", onKey);
  start();
});
