/**
 * Imported first by the executable, before any other module runs: V8 flags must be set before the code they
 * affect is compiled.
 *
 * V8's allocation-site pretenuring moves an allocation site to the old generation when, at one young-generation
 * collection, nearly all of its recent objects are alive. A feed parse allocates hundreds of objects per document
 * from the same few sites (the XML parser's nodes); a collection that interrupts one parse finds them all alive,
 * and from then on every document is allocated in the old generation, where only full collections free it. At a
 * 10,000-feed first cycle that misjudged garbage was the largest part of the heap (peak resident 400 MB with,
 * 311 MB without, the same CPU time). Taza's long-lived objects are few, so the young generation serves it better.
 */
import v8 from 'node:v8';

v8.setFlagsFromString('--no-allocation-site-pretenuring');
