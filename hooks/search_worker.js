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
  const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g
  // The runs hooks/search.py joins in the index ("GPT-4" -> gpt4): Latin letters and digits joined
  // by hyphens, with no letter, digit or "_" around them. (No lookbehind: older Safari lacks it,
  // and a syntax error would stop the whole worker.)
  const HYPHENATED = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$/
  const LATIN_WORD = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/
  const CJK_OR_LATIN = /^[\u4e00-\u9fffA-Za-z0-9-]+$/ // a mixed name's part ("中文 CLIP")

  let joined = [] // clauses added to the query being searched: [term, required]

  // Registered before Material's listener, so it sees each message first.
  addEventListener("message", ({ data: message }) => {
    if (message.type === 0)
      patchSearch(self.lunr)
    else if (message.type === 2)
      joined = joinedWords(message.data)
  })

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
          delete doc.title_keys
          delete doc.text_keys
        }
    post(message)
  }
})();
