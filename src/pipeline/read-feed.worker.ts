/** The worker thread's entry point (piscina calls the default export once per task): see read-feed.ts. */
import { readFeedBody, type ReadOutcome, type ReadTask } from './read-feed.work.js';

export default function read(task: ReadTask): ReadOutcome {
  return readFeedBody(task);
}
