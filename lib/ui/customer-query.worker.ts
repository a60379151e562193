/// <reference lib="webworker" />
import { TableQueries, type TableRequest } from '../db/customer-table';
import { openTiermarkDB } from '../db/schema';

// The query worker: the customer table's columns live here, off the page's thread.
const database = openTiermarkDB();
const queries = new TableQueries(() => database);
self.onmessage = (event: MessageEvent<TableRequest>) => void queries.answer(event.data).then((reply) => self.postMessage(reply));
