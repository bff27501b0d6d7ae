// The search page: results as you type, filters, the query in the URL, keyboard navigation.
// Every result is built with DOM text APIs; nothing from the index becomes HTML.
import { prepare, searchDetailed } from "./search.js";

const form = document.getElementById("search-form");
const input = document.getElementById("q");
const list = document.getElementById("results");
const status = document.getElementById("search-status");
const hints = document.getElementById("search-hints");
const unknownLine = document.getElementById("search-unknown");
const strings = JSON.parse(document.getElementById("search-strings").textContent);
const lang = document.documentElement.lang;
const root = form.dataset.root;
const DIGITS = lang === "ar" ? "٠١٢٣٤٥٦٧٨٩" : "۰۱۲۳۴۵۶۷۸۹";
const DEBOUNCE_MS = 150;
let timer = 0;
let latest = 0;

function digits(n) {
  return String(n).replace(/[0-9]/g, (d) => DIGITS[d]);
}

function countText(n) {
  const category = new Intl.PluralRules(lang).select(n);
  return (strings.count[category] ?? strings.count.other).replace("%(num)s", digits(n));
}

function filters() {
  const data = new FormData(form);
  return { lang: data.get("lang") || undefined, topics: data.getAll("topic") };
}

function writeUrl(push) {
  const params = new URLSearchParams();
  if (input.value) params.set("q", input.value);
  const { lang: only, topics } = filters();
  if (only) params.set("lang", only);
  for (const t of topics) params.append("topic", t);
  const url = `${location.pathname}${params.size ? "?" + params : ""}`;
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
}

function readUrl() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") ?? "";
  for (const radio of form.querySelectorAll('input[name="lang"]')) radio.checked = radio.value === (params.get("lang") ?? "");
  const topics = params.getAll("topic");
  for (const box of form.querySelectorAll('input[name="topic"]')) box.checked = topics.includes(box.value);
}

function resultItem(result) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = root + result.url;
  link.className = "result-title";
  link.lang = result.lang;
  link.textContent = result.title;
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.lang = result.lang;
  for (const part of result.parts) {
    if (part.mark) {
      const mark = document.createElement("mark");
      mark.textContent = part.text;
      excerpt.append(mark);
    } else {
      excerpt.append(part.text);
    }
  }
  const meta = document.createElement("p");
  meta.className = "result-meta";
  meta.textContent = strings.languages[result.lang];
  item.append(link, excerpt, meta);
  return item;
}

async function run(push) {
  writeUrl(push);
  const query = input.value;
  const mine = ++latest;
  if (!query.trim()) {
    list.replaceChildren();
    status.textContent = "";
    hints.hidden = true;
    return;
  }
  let answer;
  try {
    answer = await searchDetailed(query, { limit: 20, ui: lang, ...filters() });
  } catch (error) {
    if (mine === latest) status.textContent = strings.failed;
    throw error;
  }
  if (mine !== latest) return;
  list.replaceChildren(...answer.results.map(resultItem));
  const ignored = answer.ignored.length ? ` ${strings.ignored.replace("%(words)s", answer.ignored.join("، "))}` : "";
  if (answer.results.length) {
    const notes = [countText(answer.total)];
    if (answer.mode === "or") notes.push(strings.partial);
    if (answer.unknown.length) notes.push(strings.missing.replace("%(words)s", answer.unknown.join("، ")));
    for (const { word, suggestion } of answer.corrections) {
      notes.push(strings.corrected.replace("%(word)s", word).replace("%(suggestion)s", suggestion));
    }
    status.textContent = notes.join(" ") + ignored;
    hints.hidden = true;
  } else {
    status.textContent = strings.none + ignored;
    unknownLine.textContent = answer.unknown.length ? strings.unknown.replace("%(words)s", answer.unknown.join("، ")) : "";
    hints.hidden = false;
  }
}

input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(false), DEBOUNCE_MS);
});
form.addEventListener("change", (event) => {
  if (event.target !== input) run(false);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  run(true);
});
window.addEventListener("popstate", () => {
  readUrl();
  run(false);
});

// Arrow keys move between the query and the results; Escape returns to the query.
document.addEventListener("keydown", (event) => {
  const links = [...list.querySelectorAll("a.result-title")];
  const at = links.indexOf(document.activeElement);
  if (event.key === "ArrowDown" && (document.activeElement === input || at >= 0) && links.length) {
    event.preventDefault();
    links[Math.min(at + 1, links.length - 1)].focus();
  } else if (event.key === "ArrowUp" && at >= 0) {
    event.preventDefault();
    (at === 0 ? input : links[at - 1]).focus();
  } else if (event.key === "Escape" && at >= 0) {
    input.focus();
  }
});

readUrl();
if (input.value) run(false);
else prepare().catch(() => {});  // a failure is reported by the first query
input.focus();
