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
 *
 * After each full collection V8 lets the old generation grow to a multiple of what survived before the next one;
 * for a small heap collected quickly that multiple is up to 4. A first cycle over many new feeds promotes a steady
 * stream of short-lived objects (bodies and parses in flight when a young collection runs), so the old generation
 * filled with garbage to several times the live set: at 10,000 feeds 90 MB live, 200 MB of old space. A factor of
 * 1.5 collects it sooner, for the same CPU time (peak resident 363 -> 250 MB in one run each).
 */
import v8 from 'node:v8';

v8.setFlagsFromString('--no-allocation-site-pretenuring');
v8.setFlagsFromString('--heap-growing-percent=50');
