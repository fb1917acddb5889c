/* Term links (hooks/glossary.py): a tap or click shows the term's definition in place, with a link
   to its glossary entry. The definition is the link's title (a desktop browser shows it on hover;
   no phone does). Loaded only by pages with term links; no Material tooltips (their script cost
   Lighthouse performance). A click with a modifier key, or on the popup's link, opens the entry. */
(function () {
  "use strict";
  var pop = null;
  var owner = null;

  function close(refocus) {
    if (!pop) return;
    pop.remove();
    pop = null;
    if (owner) {
      owner.setAttribute("aria-expanded", "false");
      if (refocus) owner.focus();
    }
    owner = null;
  }

  function place(link) {
    var rect = link.getBoundingClientRect();
    var width = Math.min(pop.offsetWidth, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    pop.style.left = left + window.scrollX + "px";
    pop.style.top = rect.bottom + window.scrollY + 6 + "px";
  }

  function open(link) {
    var tip = link.getAttribute("data-definition") || link.getAttribute("title") || "";
    // The title moves to data-definition once read: the native tooltip would repeat the popup.
    if (link.hasAttribute("title")) {
      link.setAttribute("data-definition", tip);
      link.removeAttribute("title");
    }
    var cut = tip.indexOf("：");
    pop = document.createElement("div");
    pop.className = "term-pop";
    pop.id = "term-pop";
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", cut > 0 ? tip.slice(0, cut) : link.textContent);
    var name = document.createElement("strong");
    name.textContent = cut > 0 ? tip.slice(0, cut) : link.textContent;
    var text = document.createElement("p");
    text.textContent = cut > 0 ? tip.slice(cut + 1) : tip;
    var entry = document.createElement("a");
    entry.href = link.href;
    entry.textContent = "查看术语表条目";
    pop.append(name, text, entry);
    document.body.append(pop);
    place(link);
    owner = link;
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", "term-pop");
    entry.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    if (pop && pop.contains(event.target)) return; // the entry link navigates
    var link = event.target.closest && event.target.closest("a.glossary-term");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      close(false);
      return;
    }
    event.preventDefault();
    var same = link === owner;
    close(false);
    if (!same) open(link);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && pop) close(true);
  });
  window.addEventListener("resize", function () { close(false); });
})();
