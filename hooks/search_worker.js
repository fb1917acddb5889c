// Prepended to Material's search worker by hooks/search.py, so it runs before Material's code.
// Material's worker protocol: a message of type 0 builds the lunr index, type 2 carries the query
// string and is answered by type 3, {items: [[document, ...], ...]} (one list per page).
(() => {
  // An exact match of a query word counts this much more than a longer word it is a prefix of.
  const EXACT_BOOST = 2
  // A longer word that merely starts with the query word counts this much of a match: typing
  // "Batch" finds "BatchNorm" too, but below the entry named "Batch" (a rare word's high IDF would
  // otherwise outweigh the exact match).
  const PREFIX_WEIGHT = 0.1
  // An identifier typed whole (model.fit) finds the section whose code has it above pages that
  // merely contain its parts ("model" is in many titles).
  const IDENTIFIER_BOOST = 1000
  // The whole query as a glossary entry's name ("$transformer", hooks/search.py NAME_MARK), matched
  // in its own field, whose boost (mkdocs.yml) sets its weight: the entry named exactly what the
  // reader typed ranks above pages that have the word in a title.
  const NAME_BOOST = 1
  const NAME_MARK = "$"
  const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g
  // The runs hooks/search.py joins in the index ("GPT-4" -> gpt4): Latin letters and digits joined
  // by hyphens, with no letter, digit or "_" around them. (No lookbehind: older Safari lacks it,
  // and a syntax error would stop the whole worker.)
  const HYPHENATED = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$/
  const LATIN_WORD = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/
  const CJK_OR_LATIN = /^[\u4e00-\u9fffA-Za-z0-9-]+$/ // a mixed name's part ("中文 CLIP")

  // Words of a question that say nothing about its topic ("多模态大模型怎么训练"): dropped from a
  // Chinese query unless nothing else is left, so the topic words decide the ranking.
  const STOP_WORDS = new Set(("什么 怎么 怎样 怎么样 如何 为什么 为何 是 的 了 吗 呢 吧 啊 么 有哪些 哪些 哪个 哪里"
    + " 有 和 与 及 或 在 用 对 把 被 从 中 里 可以 能 会 要 需要 请问 一下 是否 之间 这个 那个 一个 多少 做 进行").split(" "))
  const HAN = /[\u3400-\u9fff]+/g
  // Identifiers typed as in code: dotted (model.fit, tf.keras.layers.Dense) or underscored
  // (skip_special_tokens). hooks/search.py indexes them whole as "#model#fit", "#skip_special_tokens".
  const DOTTED = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/
  const UNDERSCORED = /^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+$/

  let joined = [] // clauses added to the query being searched: [term, required]
  let identifiers = [] // identifier keys of the query being searched
  let compounds = [] // the query's hyphenated and dotted words, for the landing highlight
  let words = [] // the query's words as searched, for snippets that show no match
  let toSimplified = query => query
  let separator = null // the index's separator (mkdocs.yml), to join the query as a name is joined
  let nameKey = "" // the whole query as a name key
  let index = null // the lunr index, once built

  // Registered before Material's listener, so it sees each message first. The query message's
  // string is rewritten in place: Material's listener then searches the rewritten query.
  addEventListener("message", ({ data: message }) => {
    if (message.type === 0) {
      toSimplified = converter(message.data.config)
      separator = new RegExp(message.data.config.separator, "g")
      patchSearch(self.lunr)
    } else if (message.type === 2) {
      const query = dropStopWords(toSimplified(message.data.normalize("NFKC")))
      message.data = query
      joined = joinedWords(query)
      identifiers = identifierKeys(query)
      nameKey = separator ? NAME_MARK + query.replace(separator, "").toLowerCase() : ""
      compounds = query.split(/[^A-Za-z0-9_.-]+/).map(run => run.replace(/^[.-]+|[.-]+$/g, "").toLowerCase())
        .filter(run => /[.-]/.test(run))
      words = query.toLowerCase().split(/[\s\u3000,，。、？！?!]+/).filter(Boolean)
    }
  })

  // Traditional characters to the simplified ones the index has: first the regional words
  // (網路 -> 网络, 程式 -> 程序), then character by character. Both tables come with the index
  // (hooks/search.py: config.t2s_words, and config.t2s as a string of pairs).
  function converter(config) {
    const chars = new Map()
    const pairs = [...(config.t2s || "")]
    for (let i = 0; i + 1 < pairs.length; i += 2)
      chars.set(pairs[i], pairs[i + 1])
    const regional = Object.entries(config.t2s_words || {}).sort(([a], [b]) => b.length - a.length)
    return query => {
      for (const [traditional, simplified] of regional)
        query = query.split(traditional).join(simplified)
      return [...query].map(char => chars.get(char) || char).join("")
    }
  }

  // Each Chinese run is cut at the longest index word (or stop word) at each position; the stop
  // words are dropped, the other words kept as the reader typed them.
  function dropStopWords(query) {
    if (!index)
      return query
    const kept = query.replace(HAN, run => {
      const parts = []
      for (let i = 0; i < run.length;) {
        let end = i + 1
        for (let j = Math.min(run.length, i + 8); j > i + 1; j--)
          if (STOP_WORDS.has(run.slice(i, j)) || run.slice(i, j) in index.invertedIndex) {
            end = j
            break
          }
        parts.push(run.slice(i, end))
        i = end
      }
      const groups = [""]
      for (const part of parts)
        if (STOP_WORDS.has(part))
          groups.push("")
        else
          groups[groups.length - 1] += part
      const content = groups.filter(Boolean)
      return content.length ? ` ${content.join(" ")} ` : run
    }).trim()
    return kept || query
  }

  function identifierKeys(query) {
    const keys = []
    for (const run of query.split(/\s+/)) {
      const word = run.replace(/[(),;:]+$/, "").replace(/\(\)$/, "")
      if (DOTTED.test(word))
        keys.push("#" + word.toLowerCase().split(".").join("#"))
      else if (UNDERSCORED.test(word))
        keys.push("#" + word.toLowerCase())
    }
    return keys
  }

  // lunr's query lexer splits "GPT-4" into "gpt" and "4*": any "4" (every "4. …" title) matched.
  // The index also has the joined word (hooks/search.py), and it is required here. A query of
  // several Latin words also looks for them as one name ("speech synthesis" -> speechsynthesis),
  // the form in which a glossary entry's own names are indexed; so does a name that mixes Chinese
  // and Latin parts ("中文 CLIP" -> 中文clip).
  function joinedWords(query) {
    const words = []
    for (const run of query.split(/[^A-Za-z0-9_-]+/))
      if (HYPHENATED.test(run))
        words.push([run.replace(/-/g, "").toLowerCase(), true])
    const parts = query.trim().split(/\s+/)
    if (parts.length > 1 && parts.every(part => LATIN_WORD.test(part) || CJK_OR_LATIN.test(part)))
      words.push([parts.join("").replace(/-/g, "").toLowerCase(), false])
    return words
  }

  // Material turns every query word into a prefix ("transformer*"), so a longer word
  // ("transformers") counted as much as the word itself. Each prefix clause gets an exact twin.
  // The added clauses are not in the query string, so Material does not list them as missing.
  function patchSearch(lunr) {
    if (lunr.Index.prototype.search.sitePatched)
      return
    const { OPTIONAL, REQUIRED, PROHIBITED } = lunr.Query.presence
    const { TRAILING } = lunr.Query.wildcard
    const build = lunr.Builder.prototype.build
    lunr.Builder.prototype.build = function () {
      return index = build.call(this)
    }
    const search = function (queryString) {
      return this.query(query => {
        new lunr.QueryParser(queryString, query).parse()
        const exact = new Set()
        for (const clause of [...query.clauses]) {
          const term = clause.term.replace(/\*+$/, "")
          if (clause.presence !== PROHIBITED && term !== clause.term && term && !term.includes("*")
              && !exact.has(term)) {
            exact.add(term)
            query.clause({ term, fields: clause.fields, boost: EXACT_BOOST * clause.boost,
                           presence: OPTIONAL, usePipeline: false })
            clause.boost *= PREFIX_WEIGHT
          }
        }
        for (const [term, required] of joined) {
          query.clause({ term, wildcard: TRAILING, presence: required ? REQUIRED : OPTIONAL,
                         usePipeline: false })
          if (!exact.has(term))
            query.clause({ term, boost: EXACT_BOOST, presence: OPTIONAL, usePipeline: false })
        }
        if (nameKey.length > NAME_MARK.length)
          query.clause({ term: nameKey, fields: ["name_keys"], boost: NAME_BOOST, presence: OPTIONAL,
                         usePipeline: false })
        for (const term of identifiers)
          query.clause({ term, fields: ["title", "text", "title_keys"], boost: IDENTIFIER_BOOST, presence: OPTIONAL,
                         usePipeline: false })
      })
    }
    search.sitePatched = true
    lunr.Index.prototype.search = search
  }

  // The index separates Chinese words with zero-width spaces. In a snippet they allow a line
  // break before "，" and end up in copied text; they have done their work once the worker has
  // matched and highlighted. The hidden keyword fields are never shown.
  const post = self.postMessage.bind(self)
  self.postMessage = message => {
    if (message && message.type === 3)
      for (const group of message.data.items)
        for (const doc of group) {
          for (const field of ["title", "text"])
            if (typeof doc[field] === "string")
              doc[field] = doc[field].replace(ZERO_WIDTH, "")
          if (typeof doc.text === "string" && !doc.text.includes("<mark>"))
            doc.text = markWords(doc.text, Object.keys(doc.terms || {}).filter(term => doc.terms[term]))
          doc.terms = wholeTerms(doc.terms || {})
          delete doc.title_keys
          delete doc.text_keys
        }
    post(message)
  }

  // The terms a result links with (?h=, the landing highlight): "GPT-2" as one term, not "gpt"
  // and "2" (every "2" on the page); likewise "model.fit".
  function wholeTerms(terms) {
    const out = {}
    const parts = new Set()
    for (const compound of compounds) {
      const pieces = compound.split(/[.-]/).filter(Boolean)
      if (pieces.length > 1 && pieces.every(piece => piece in terms)) {
        out[compound] = pieces.some(piece => terms[piece])
        pieces.forEach(piece => parts.add(piece))
      }
    }
    for (const [term, matched] of Object.entries(terms))
      if (!parts.has(term))
        out[term] = matched
    return out
  }

  // A section found by a hidden key (a part of a compound term, a joined name) has no match marked
  // in its text: the words of the query found in it are marked, and the text starts at the first.
  function markWords(text, terms) {
    const found = [...new Set([...terms, ...words])].filter(word => word.length > 1 || /[\u3400-\u9fff]/.test(word))
      .sort((a, b) => b.length - a.length)
    if (!found.length)
      return text
    const pattern = new RegExp(found.map(word => word.replace(/[|\\{}()[\]^$+*?.-]/g, "\\$&")).join("|"), "gi")
    let marked = false
    const out = text.split(/(<[^>]*>)/).map(part => {
      if (part.startsWith("<"))
        return part
      return part.replace(pattern, match => {
        marked = true
        return `<mark>${match}</mark>`
      })
    }).join("")
    if (!marked)
      return text
    const first = out.indexOf("<mark>")
    const block = Math.max(out.lastIndexOf("<p>", first), out.lastIndexOf("<li>", first), 0)
    const sentence = Math.max(out.lastIndexOf("。", first), out.lastIndexOf("，", first))
    return first - block > 120 && sentence > block ? "…" + out.slice(sentence + 1) : out.slice(block)
  }
})();
