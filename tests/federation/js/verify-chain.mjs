// Verifies a document's eddsa-jcs-2022 proof chain with Digital Bazaar's libraries, offline, following
// the W3C Data Integrity "Verify Proof Sets and Chains" algorithm: each proof is verified over the
// document whose `proof` is the list of the proofs its `previousProof` names (none for a proof that
// names none: that proof was made by "Add Proof" on the document without proof). jsonld-signatures
// 11 treats several proofs as an unordered set (its ProofChain is a stub), so the chain step is done
// here and every signature, hash and canonicalisation by the libraries.
//
// stdin:  {"document": {...signed...}, "controller": {...controller document...},
//          "contexts": {"https://context/url": {...context document...}, ...}}
// stdout: {"verified": true|false, "results": [{"verificationMethod", "verified", "error"}, ...]}
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

function offlineLoader({controller, contexts}) {
  const documents = new Map(Object.entries(contexts));
  documents.set(controller.id, controller);
  for(const method of controller.verificationMethod ?? []) {
    documents.set(method.id, {'@context': MULTIKEY_CONTEXT, ...method});
  }
  return jsigs.extendContextLoader(async url => {
    if(!documents.has(url)) {
      throw new Error(`refusing to load ${url}: not given to the verifier`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(documents.get(url))};
  });
}

async function verifyOne({proof, allProofs, unsecured, documentLoader}) {
  const named = proof.previousProof === undefined ? [] : [].concat(proof.previousProof);
  const matching = named.map(id => allProofs.find(other => other.id === id));
  if(matching.some(found => found === undefined)) {
    return {verified: false, error: 'previousProof names a proof the document does not carry'};
  }
  const document = structuredClone(unsecured);
  if(matching.length) {
    document.proof = matching;
  }
  const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
  const result = await suite.verifyProof({proof, proofSet: allProofs, document, documentLoader});
  if(!result.verified) {
    return {verified: false, error: result.error?.message ?? String(result.error)};
  }
  const purpose = await new AssertionProofPurpose().validate(proof, {
    document, suite, verificationMethod: result.verificationMethod, documentLoader,
  });
  return {verified: purpose.valid, error: purpose.error?.message ?? null};
}

const input = await readStdin();
const documentLoader = offlineLoader(input);
const allProofs = [].concat(input.document.proof);
const unsecured = {...input.document};
delete unsecured.proof;
const results = [];
for(const proof of allProofs) {
  const result = await verifyOne({proof, allProofs, unsecured, documentLoader});
  results.push({verificationMethod: proof.verificationMethod, ...result});
}
const verified = results.length > 0 && results.every(result => result.verified);
process.stdout.write(JSON.stringify({verified, results}) + '\n');
