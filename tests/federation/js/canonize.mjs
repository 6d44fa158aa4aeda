// Canonicalises JSON-LD documents with jsonld.js and rdf-canonize (RDFC-1.0), offline.
//
// stdin:  {"documents": [{...}, ...], "contexts": {"https://context/url": {...}, ...}}
// stdout: ["canonical N-Quads", ...], one string per document, in order.
import jsonld from 'jsonld';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const {documents, contexts} = await readStdin();
const documentLoader = async url => {
  if(!(url in contexts)) {
    throw new Error(`refusing to load ${url}: not given to the canonicaliser`);
  }
  return {contextUrl: null, documentUrl: url, document: structuredClone(contexts[url])};
};
const canonical = [];
for(const document of documents) {
  canonical.push(await jsonld.canonize(document, {
    algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true, documentLoader,
  }));
}
process.stdout.write(JSON.stringify(canonical) + '\n');
