// Web Vitals collector, installed as an init script so that it runs before any of the
// page's own code. It computes LCP, CLS, INP, FCP and TTFB the way Google's web-vitals
// library (v6) does, from buffered PerformanceObserver entries, and keeps what explains
// each value: the LCP element, the nodes that shifted, the slowest interaction's target.
//
// It never waits for visibilitychange (headless Chromium never fires it): the sitewise
// reads `window.__e2eVitals.snapshot()` once `settled()` says the page has gone quiet.
// Stubs of browser APIs (supportedEntryTypes, say) must run before this script.
(() => {
  'use strict';
  // Only the top-level document is measured; frames have their own timelines.
  if (window.top !== window || window.__e2eVitals) return;

  // web-vitals' DEFAULT_DURATION_THRESHOLD: event entries shorter than this are not INP
  // candidates (the first input is still seen through 'first-input').
  const INP_DURATION_THRESHOLD = 40;
  // web-vitals keeps the ten longest interactions as INP candidates.
  const MAX_INTERACTIONS = 10;
  const SELECTOR_MAX_LEN = 100;

  const supportedTypes = (() => {
    try {
      return Array.from(PerformanceObserver.supportedEntryTypes || []);
    } catch (e) {
      return [];
    }
  })();
  const has = (type) => supportedTypes.includes(type);
  const inpSupported =
    has('event') &&
    typeof PerformanceEventTiming !== 'undefined' &&
    'interactionId' in PerformanceEventTiming.prototype;
  const supported = {
    LCP: has('largest-contentful-paint'),
    CLS: has('layout-shift'),
    INP: inpSupported,
    FCP: has('paint'),
    TTFB: has('navigation'),
    resource: has('resource'),
  };

  // web-vitals' getSelector: ids end the walk, classes are sorted (as web-vitals does since
  // v5, not in document order), at most 100 chars.
  const nodeName = (node) =>
    node.nodeType === 1 ? node.nodeName.toLowerCase() : node.nodeName.toUpperCase().replace(/^#/, '');
  const selectorOf = (node) => {
    let sel = '';
    try {
      while (node && node.nodeType !== 9) {
        const part = node.id
          ? '#' + node.id
          : [nodeName(node), ...Array.from(node.classList || []).sort()].join('.');
        if (sel.length + part.length > SELECTOR_MAX_LEN - 1) return sel || part;
        sel = sel ? part + '>' + sel : part;
        if (node.id) break;
        node = node.parentNode;
      }
    } catch (e) {
      // A node from another realm or a detached shadow tree: keep what we have.
    }
    return sel;
  };

  const navigationEntry = () => {
    const entry = performance.getEntriesByType('navigation')[0];
    // web-vitals ignores a zero, negative or future responseStart (privacy and bugs).
    if (entry && entry.responseStart > 0 && entry.responseStart < performance.now()) return entry;
    return undefined;
  };
  const activationStart = () => {
    const entry = navigationEntry();
    return (entry && entry.activationStart) || 0;
  };

  // Hidden before a paint means the paint does not count (web-vitals' visibility watcher).
  // Headless Chromium stays visible, so this only matters in headed runs.
  let firstHiddenTime = document.visibilityState === 'hidden' ? 0 : Infinity;
  addEventListener(
    'visibilitychange',
    (event) => {
      if (document.visibilityState === 'hidden' && !isFinite(firstHiddenTime)) {
        firstHiddenTime = event.timeStamp;
      }
    },
    true,
  );

  const state = {
    lastEntryAt: 0,
    lcp: null,
    fcp: null,
    cls: { value: 0, entries: [] },
    session: { value: 0, entries: [] },
    interactions: [],
    interactionsById: new Map(),
    api: [],
    errors: [],
  };
  const touch = () => {
    state.lastEntryAt = performance.now();
  };

  const observe = (type, callback, options) => {
    if (!has(type)) return null;
    try {
      const po = new PerformanceObserver((list) => callback(list.getEntries()));
      po.observe(Object.assign({ type, buffered: true }, options || {}));
      return po;
    } catch (error) {
      state.errors.push(type + ': ' + String(error));
      return null;
    }
  };

  // LCP: the latest candidate's startTime (render time, else load time) since activation.
  observe('largest-contentful-paint', (entries) => {
    touch();
    for (const entry of entries) {
      if (entry.startTime >= firstHiddenTime) continue;
      state.lcp = {
        value: Math.max(entry.startTime - activationStart(), 0),
        element: entry.element ? selectorOf(entry.element) : entry.id ? '#' + entry.id : '',
        tag: entry.element ? entry.element.nodeName.toLowerCase() : '',
        url: entry.url || '',
        size: entry.size,
        renderTime: entry.renderTime,
        loadTime: entry.loadTime,
      };
    }
  });

  // FCP: the 'first-contentful-paint' paint entry since activation.
  observe('paint', (entries) => {
    touch();
    for (const entry of entries) {
      if (entry.name === 'first-contentful-paint' && entry.startTime < firstHiddenTime) {
        state.fcp = Math.max(entry.startTime - activationStart(), 0);
      }
    }
  });

  // CLS: web-vitals' LayoutShiftManager. Shifts within 500 ms of input (hadRecentInput)
  // are expected and skipped; a session window grows while each shift comes less than
  // 1 s after the previous one and less than 5 s after the first; CLS is the largest
  // window. The largest is kept after each shift (web-vitals compares after each batch
  // of entries, which is the same unless one batch spans two windows).
  const sourcesOf = (entry) =>
    Array.from(entry.sources || []).map((source) => ({
      node: source.node ? selectorOf(source.node) : '',
      previousRect: source.previousRect ? source.previousRect.toJSON() : null,
      currentRect: source.currentRect ? source.currentRect.toJSON() : null,
    }));
  observe('layout-shift', (entries) => {
    touch();
    for (const entry of entries) {
      if (entry.hadRecentInput) continue;
      const session = state.session;
      const first = session.entries[0];
      const last = session.entries[session.entries.length - 1];
      const shift = { startTime: entry.startTime, value: entry.value, sources: sourcesOf(entry) };
      if (
        session.value &&
        first &&
        last &&
        entry.startTime - last.startTime < 1000 &&
        entry.startTime - first.startTime < 5000
      ) {
        session.value += entry.value;
        session.entries.push(shift);
      } else {
        state.session = { value: entry.value, entries: [shift] };
      }
      if (state.session.value > state.cls.value) {
        state.cls = { value: state.session.value, entries: state.session.entries.slice() };
      }
    }
  });

  // INP: web-vitals' InteractionManager. Event entries are grouped by interactionId, an
  // interaction's latency is its longest entry's duration, and the ten longest are kept.
  const describeEvent = (entry) => ({
    name: entry.name,
    target: entry.target ? selectorOf(entry.target) : entry.targetSelector || '',
    startTime: entry.startTime,
    duration: entry.duration,
    inputDelay: entry.processingStart - entry.startTime,
    processing: entry.processingEnd - entry.processingStart,
    presentationDelay: Math.max(entry.startTime + entry.duration - entry.processingEnd, 0),
  });
  // Every event of an interaction, for attribution only: the entry with the longest duration
  // is often the pointerdown, whose presentation waited for a slow click handler.
  const eventsById = new Map();
  const rememberEvent = (entry) => {
    const events = eventsById.get(entry.interactionId) || [];
    if (!events.some((e) => e.name === entry.name && e.startTime === entry.startTime)) {
      events.push(describeEvent(entry));
      eventsById.set(entry.interactionId, events);
    }
  };
  const processEventEntry = (entry) => {
    if (!entry.interactionId) return;
    rememberEvent(entry);
    const list = state.interactions;
    const shortest = list[list.length - 1];
    let interaction = state.interactionsById.get(entry.interactionId);
    if (interaction || list.length < MAX_INTERACTIONS || entry.duration > shortest.latency) {
      if (interaction) {
        if (entry.duration > interaction.latency) {
          interaction.entries = [describeEvent(entry)];
          interaction.latency = entry.duration;
        } else if (
          entry.duration === interaction.latency &&
          entry.startTime === interaction.entries[0].startTime
        ) {
          interaction.entries.push(describeEvent(entry));
        }
      } else {
        interaction = { id: entry.interactionId, latency: entry.duration, entries: [describeEvent(entry)] };
        state.interactionsById.set(interaction.id, interaction);
        list.push(interaction);
      }
      list.sort((a, b) => b.latency - a.latency);
      for (const removed of list.splice(MAX_INTERACTIONS)) {
        state.interactionsById.delete(removed.id);
      }
      for (const id of eventsById.keys()) {
        if (!state.interactionsById.has(id)) eventsById.delete(id);
      }
    }
  };

  // web-vitals' interaction count polyfill, for browsers without performance.interactionCount:
  // interaction ids grow by 7 per interaction in Chromium.
  let countEstimate = 0;
  let minInteractionId = Infinity;
  let maxInteractionId = 0;
  const useCountPolyfill = inpSupported && !('interactionCount' in performance);
  const interactionCount = () =>
    useCountPolyfill ? countEstimate : performance.interactionCount || 0;

  // p98 of interaction latency, as web-vitals estimates it: the worst interaction, but
  // skip one of the worst for every 50 interactions on the page.
  const estimateP98 = (longest, count) => longest[Math.min(longest.length - 1, Math.floor(count / 50))];

  if (inpSupported) {
    if (useCountPolyfill) {
      observe(
        'event',
        (entries) => {
          for (const entry of entries) {
            if (!entry.interactionId) continue;
            minInteractionId = Math.min(minInteractionId, entry.interactionId);
            maxInteractionId = Math.max(maxInteractionId, entry.interactionId);
            countEstimate = maxInteractionId ? (maxInteractionId - minInteractionId) / 7 + 1 : 0;
          }
        },
        { durationThreshold: 0 },
      );
    }
    const onEvents = (entries) => {
      touch();
      for (const entry of entries) processEventEntry(entry);
    };
    observe('event', onEvents, { durationThreshold: INP_DURATION_THRESHOLD });
    observe('first-input', onEvents);
  }

  const serverDuration = (entry) => {
    const timings = entry.serverTiming || [];
    const own = timings.find((t) => t.name === 'app') || timings[0];
    return own && own.duration > 0 ? own.duration : -1;
  };

  // API calls, for the latency check: resource timing of every URL with /api/ in it. Any
  // finished resource restarts the quiet window: its content may paint a new LCP candidate.
  // The duration runs from the request leaving the browser to the answer's first byte:
  // the API's own time and the network's. Not from startTime (that adds the browser's
  // queue behind its six connections) nor to responseEnd (the renderer stamps that when
  // its busy main thread gets to it: a preload's 233-byte answer "ended" 500 ms after it
  // began while the page compiled its modules). Cross-origin without Timing-Allow-Origin
  // the detailed marks are 0: then the whole wait, startTime to responseEnd.
  observe('resource', (entries) => {
    touch();
    for (const entry of entries) {
      if (!entry.name.includes('/api/')) continue;
      state.api.push({
        url: entry.name,
        initiatorType: entry.initiatorType,
        startTime: entry.startTime,
        requestStart: entry.requestStart,
        responseStart: entry.responseStart,
        responseEnd: entry.responseEnd,
        duration:
          entry.responseStart > 0 && entry.requestStart > 0
            ? entry.responseStart - entry.requestStart
            : entry.responseEnd - entry.startTime,
        status: entry.responseStatus || 0,
        // The server's own time (Server-Timing `app;dur`, which the bundled API sends),
        // to tell a slow API from a call that waited on a busy machine. -1: none given.
        serverMs: serverDuration(entry),
      });
    }
  });

  const snapshot = () => {
    const nav = navigationEntry();
    const worst = estimateP98(state.interactions, interactionCount());
    return {
      url: location.href,
      now: performance.now(),
      readyState: document.readyState,
      supported,
      supportedEntryTypes: supportedTypes,
      lcp: state.lcp,
      fcp: state.fcp,
      cls: state.cls,
      ttfb: supported.TTFB && nav ? Math.max(nav.responseStart - activationStart(), 0) : null,
      inp: worst
        ? {
            value: worst.latency,
            interactionId: worst.id,
            entries: worst.entries,
            events: (eventsById.get(worst.id) || []).slice(),
            interactionCount: interactionCount(),
            candidates: state.interactions.map((i) => i.latency),
          }
        : null,
      interactionCount: interactionCount(),
      api: state.api.slice(),
      lastEntryAt: state.lastEntryAt,
      errors: state.errors.slice(),
    };
  };

  // An image loading in the viewport is a likely LCP candidate still to come, however long
  // the page has been quiet; images outside it (lazy ones never load) cannot be one.
  const imageLoading = () =>
    Array.from(document.images).some((img) => {
      if (img.complete) return false;
      const rect = img.getBoundingClientRect();
      return rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth;
    });
  // Load events of images, scripts and frames do not bubble, but they can be captured: each
  // one restarts the quiet window, since its paint comes a frame or more later.
  addEventListener('load', touch, true);

  // Settled: the document has loaded, no image is loading in the viewport, LCP has been seen
  // (where the browser reports it), and for `quietMs` there came no paint, shift, event,
  // resource or load, counted from `sinceMs` at the earliest (the end of an interaction,
  // whose entries arrive after its next paint).
  const settled = (quietMs, sinceMs) =>
    document.readyState === 'complete' &&
    (!supported.LCP || state.lcp !== null) &&
    !imageLoading() &&
    performance.now() - Math.max(state.lastEntryAt, sinceMs || 0) >= quietMs;

  Object.defineProperty(window, '__e2eVitals', {
    value: Object.freeze({ version: 1, snapshot, settled, estimateP98 }),
    enumerable: false,
  });
})();
