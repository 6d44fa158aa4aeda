// Verifies an eddsa-jcs-2022 Data Integrity proof with Digital Bazaar's libraries, offline.
//
// stdin:  {"document": {...signed...}, "controller": {...controller document...},
//          "contexts": {"https://context/url": {...context document...}, ...}}
// stdout: {"verified": true|false, "error": null|"message; message"}
//
// The document loader serves only the given contexts, the controller document (by its id) and
// each of its verification methods (by id, as a Multikey object with the multikey @context).
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';

const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';
const {purposes: {AssertionProofPurpose}} = jsigs;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function documentsByUrl({controller, contexts}) {
  const documents = new Map(Object.entries(contexts));
  documents.set(controller.id, controller);
  for(const method of controller.verificationMethod ?? []) {
    documents.set(method.id, {'@context': MULTIKEY_CONTEXT, ...method});
  }
  return documents;
}

function offlineLoader(documents) {
  return async url => {
    if(!documents.has(url)) {
      throw new Error(`refusing to load ${url}: not given to the verifier`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(documents.get(url))};
  };
}

function messages(result) {
  const errors = [result.error, ...(result.results ?? []).flatMap(r => [r.error, r.purposeResult?.error])]
    .flat()
    .filter(Boolean)
    .map(error => error.message ?? String(error));
  return errors.length ? [...new Set(errors)].join('; ') : null;
}

const input = await readStdin();
const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
const result = await jsigs.verify(input.document, {
  suite,
  purpose: new AssertionProofPurpose(),
  documentLoader: offlineLoader(documentsByUrl(input)),
});
process.stdout.write(JSON.stringify({verified: result.verified, error: messages(result)}) + '\n');
