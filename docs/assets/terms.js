/* Term links (hooks/glossary.py): a tap or click shows the term's definition in place, with a link
   to its glossary entry. The definition is the link's title (a desktop browser shows it on hover;
   no phone does). Loaded only by pages with term links; no Material tooltips (their script cost
   Lighthouse performance). A click with a modifier key, or on the popup's link, opens the entry.
   On a touch screen, a term link whose 44 px touch target would overlap an earlier one's is left
   as plain text at that width (see spaceTargets). */
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
    var link = event.target.closest && event.target.closest("a.glossary-term:not([data-spaced])");
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

  // Touch targets: each term link counts as a box at least TARGET px wide and high, centred on it.
  // Lines of running text are about 26 px apart, so a term right above another, on the line before,
  // was under the same finger; the build spaces links on one line (hooks/glossary.py TERM_GAP),
  // but only the layout knows the lines. Where two boxes overlap, the later link stops being a
  // target at this width: it reads as plain text and a tap goes through it (the glossary still has
  // the term; a wider screen or a mouse keeps the link). Measured again when the article's size
  // changes: a new width, or a 自测 answer shown.
  var TARGET = 44;
  var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)");

  function box(rect) {
    var x = (rect.left + rect.right) / 2, y = (rect.top + rect.bottom) / 2;
    var w = Math.max(TARGET, rect.width) / 2, h = Math.max(TARGET, rect.height) / 2;
    return [x - w, y - h, x + w, y + h];
  }

  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  function spaceTargets() {
    var links = document.querySelectorAll("article a.glossary-term");
    var kept = [];
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      if (link.hasAttribute("data-spaced")) {
        link.removeAttribute("data-spaced");
        link.removeAttribute("tabindex");
      }
      if (!coarse || !coarse.matches) continue;
      var boxes = [];
      var rects = link.getClientRects();
      for (var j = 0; j < rects.length; j++)
        if (rects[j].width > 0) boxes.push(box(rects[j]));
      var clash = boxes.some(function (b) { return kept.some(function (k) { return overlaps(b, k); }); });
      if (clash) {
        // Not a target any more (extra.css: no pointer events, no underline); it keeps its href, so
        // the page's links stay what they are for a crawler or a screen reader.
        link.setAttribute("data-spaced", "");
        link.setAttribute("tabindex", "-1");
      } else {
        kept.push.apply(kept, boxes);
      }
    }
  }

  var article = document.querySelector("article");
  if (article && window.ResizeObserver) {
    var pending = false;
    new ResizeObserver(function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; spaceTargets(); });
    }).observe(article);
  } else {
    spaceTargets();
  }
})();
