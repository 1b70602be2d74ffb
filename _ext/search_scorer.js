/* The book's search scorer (html_search_scorer in _config.yml): Sphinx's scores, plus
   one point for each word of the query that the page's headings name, and two more when
   the page's own title holds the whole query (one when another of its headings does). Sphinx gives every page with one query word
   in a heading the same score and orders such ties by title text, so numbered titles
   sorted "10. ..." before "2. ..." and a page titled with the query could fall below
   pages that merely mention its words. */
var Scorer = {
  score: (result) => {
    const [, title, , , score, filename] = result;
    const query = (new URLSearchParams(window.location.search).get("q") || "").toLowerCase();
    const index = Search._index;
    const file = index.filenames.indexOf(filename);
    const stemmer = new Stemmer();
    const headed = new Set(
      splitQuery(query)
        .filter((word) => word && !stopwords.includes(word))
        .map((word) => stemmer.stemWord(word))
        .filter((stem) => [].concat(index.titleterms[stem] ?? []).includes(file)),
    );
    const phrase = query.trim();
    const holds = (heading) => phrase !== "" && heading.toLowerCase().includes(phrase);
    const ownTitle = holds(index.titles[file] || "") && !title.includes(" > ");
    const aHeading = Object.entries(index.alltitles).some(
      ([heading, places]) => holds(heading) && places.some(([place]) => place === file),
    );
    return score + headed.size + (ownTitle ? 2 : aHeading ? 1 : 0);
  },

  // Sphinx 7.4's defaults (sphinx/themes/basic/static/searchtools.js)
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
