// The sandbox's last export, kept in this browser's IndexedDB so a reload
// finds the files again. Saves are coalesced: while one is being written
// only the newest waiting export is kept.

const DB_NAME = "wasmsand-playground";
const STORE = "state";
const KEY = "current";

let dbPromise = null;

function open() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return dbPromise;
}

async function transaction(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(result.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

// {data: Uint8Array, savedAt: ms since the epoch} or null.
export async function load() {
  try {
    const record = await transaction("readonly", (store) => store.get(KEY));
    return record && record.data ? record : null;
  } catch (err) {
    console.warn("wasmsand: cannot read the saved state", err);
    return null;
  }
}

let writing = null;
let waiting = null;

export function save(data) {
  waiting = { data, savedAt: Date.now() };
  if (!writing) writing = flush();
  return writing;
}

async function flush() {
  while (waiting) {
    const record = waiting;
    waiting = null;
    try {
      await transaction("readwrite", (store) => store.put(record, KEY));
    } catch (err) {
      console.warn("wasmsand: cannot save the state", err);
    }
  }
  writing = null;
}

// Resolves once every save asked for so far is written.
export function settled() {
  return writing || Promise.resolve();
}

export async function clear() {
  waiting = null;
  await settled();
  await transaction("readwrite", (store) => store.delete(KEY));
}
