// The review page of `jobtag serve`: send one posting to
// `POST /v1/label?explain=true`, then show its role and seniority with the
// next most likely classes, its skills marked in the posting's own text, and
// on request the terms behind the two labels.
//
// Plain JavaScript, no build step, no dependencies, nothing stored: the
// page's Content-Security-Policy allows requests to this server only.
//
// Offsets: the API gives UTF-8 byte offsets into the original title and
// description; JavaScript strings index UTF-16 code units, so every span goes
// through `byteToIndex` before it touches the text.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);

  const form = $('posting-form');
  const titleInput = $('title');
  const descriptionInput = $('description');
  const button = $('label-button');
  const errorBox = $('error');
  const result = $('result');
  const status = $('status');
  const output = $('output');
  const explainToggle = $('explain');
  const tips = $('tips');

  let busy = false;
  let last = null; // the last labelled posting, re-drawn when the toggle changes

  // ---- UTF-8 byte offsets to string indices --------------------------------

  function utf8Length(codePoint) {
    if (codePoint < 0x80) return 1;
    if (codePoint < 0x800) return 2;
    if (codePoint < 0x10000) return 3;
    return 4;
  }

  /** A function from a UTF-8 byte offset in `text` to a string index. */
  function byteToIndex(text) {
    let bytes = 0;
    for (const ch of text) bytes += utf8Length(ch.codePointAt(0));
    const index = new Int32Array(bytes + 1).fill(-1);
    let b = 0;
    let i = 0;
    for (const ch of text) {
      index[b] = i;
      b += utf8Length(ch.codePointAt(0));
      i += ch.length;
    }
    index[b] = i;
    return (offset) => {
      let o = Math.min(Math.max(0, offset | 0), bytes);
      while (index[o] < 0) o -= 1; // inside a character: its start
      return index[o];
    };
  }

  // ---- Reading the raw text as jobtag does ---------------------------------

  // Where a tag starts jobtag's normalizer drops it (src/text/normalize.rs,
  // `tag_end`): '<' then a letter, '/' or '!', up to the next '>' within
  // 2048 bytes; comments up to '-->'. Mirrored here so the page hides
  // exactly the tags the model did not read.
  function tagEnd(raw, i) {
    const next = raw.charAt(i + 1);
    if (!/[A-Za-z/!]/.test(next)) return -1;
    if (raw.startsWith('<!--', i)) {
      const close = raw.indexOf('-->', i + 4);
      return close < 0 ? -1 : close + 3;
    }
    const close = raw.indexOf('>', i + 1);
    return close < 0 || close - i > 2049 ? -1 : close + 1;
  }

  const looksLikeHtml = (raw) => /<(\/?[A-Za-z][A-Za-z0-9]*|!--)[^>]*>/.test(raw);

  /** Text and tag segments of an HTML field, in order. */
  function segments(raw, html) {
    if (!html) return [{ tag: null, start: 0, end: raw.length }];
    const out = [];
    let textStart = 0;
    let i = raw.indexOf('<');
    while (i >= 0) {
      const end = tagEnd(raw, i);
      if (end < 0) {
        i = raw.indexOf('<', i + 1);
        continue;
      }
      if (i > textStart) out.push({ tag: null, start: textStart, end: i });
      const name = /^<\/?([A-Za-z][A-Za-z0-9]*)/.exec(raw.slice(i, Math.min(end, i + 20)));
      out.push({ tag: name ? name[1].toLowerCase() : '!', start: i, end });
      textStart = end;
      i = raw.indexOf('<', end);
    }
    if (textStart < raw.length) out.push({ tag: null, start: textStart, end: raw.length });
    return out;
  }

  // A blank line before paragraphs and headings; a heading's list follows it
  // on the next line.
  const PARAGRAPH_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
    'table', 'section', 'article', 'header', 'footer', 'blockquote', 'pre', 'hr']);
  const LINE_TAGS = new Set(['div', 'li', 'tr', 'dt', 'dd', 'br', 'ul', 'ol', 'dl']);
  const BOLD_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'b', 'strong', 'dt']);

  const entityDecoder = document.createElement('textarea');
  function decodeEntities(text) {
    if (!text.includes('&')) return text;
    // A textarea's content is RCDATA: entities are decoded, tags are not parsed.
    entityDecoder.innerHTML = text;
    return entityDecoder.value;
  }

  // ---- Drawing a field with its marks --------------------------------------

  /**
   * Draw `raw` into `container`: skill marks (non-overlapping, sorted, in
   * string indices) wrap their text in <mark>; term spans (which may
   * overlap) wrap theirs in a ringed <span>. In HTML, tags become line
   * breaks and are otherwise hidden.
   */
  function drawField(container, raw, marks, terms) {
    const html = looksLikeHtml(raw);
    container.replaceChildren();
    container.classList.toggle('plain', !html);
    const cuts = new Set();
    for (const m of marks) cuts.add(m.start).add(m.end);
    for (const t of terms) cuts.add(t.start).add(t.end);
    const sortedCuts = [...cuts].sort((a, b) => a - b);

    let breaks = 0; // line breaks owed before the next visible text
    let bullet = false;
    let started = false;
    let openMark = null; // { mark, element }
    let markAt = 0;
    let bold = 0; // inside headings and <b>: their text is drawn bold

    const flushBreaks = () => {
      if (started) {
        for (let k = 0; k < Math.min(breaks, 2); k += 1) {
          container.append(document.createElement('br'));
        }
      }
      if (bullet) container.append('\u2022 ');
      breaks = 0;
      bullet = false;
      started = true;
    };

    for (const seg of segments(raw, html)) {
      if (seg.tag !== null) {
        openMark = null;
        const closing = raw.charAt(seg.start + 1) === '/';
        const heading = /^h[1-6]$/.test(seg.tag);
        if (heading && closing) breaks = Math.max(breaks, 1);
        else if (PARAGRAPH_TAGS.has(seg.tag)) breaks = Math.max(breaks, 2);
        else if (seg.tag === 'br') breaks += 1;
        else if (LINE_TAGS.has(seg.tag)) breaks = Math.max(breaks, 1);
        if (seg.tag === 'li' && !closing) bullet = true;
        if (BOLD_TAGS.has(seg.tag)) bold = Math.max(0, bold + (closing ? -1 : 1));
        continue;
      }
      const points = [seg.start, ...sortedCuts.filter((c) => c > seg.start && c < seg.end), seg.end];
      for (let p = 0; p + 1 < points.length; p += 1) {
        const a = points[p];
        const b = points[p + 1];
        let text = raw.slice(a, b);
        if (html) {
          text = decodeEntities(text);
          if (!text.trim() && (breaks > 0 || bullet || !started)) continue;
        }
        if (html && (breaks > 0 || bullet || !started)) {
          flushBreaks();
          openMark = null;
          text = text.replace(/^\s+/, '');
        }
        started = true;
        while (markAt < marks.length && marks[markAt].end <= a) markAt += 1;
        const mark = markAt < marks.length && marks[markAt].start <= a ? marks[markAt] : null;
        let parent = container;
        if (mark) {
          if (!openMark || openMark.mark !== mark) {
            openMark = { mark, element: markElement(mark, !mark.drawn) };
            mark.drawn = true;
            container.append(openMark.element);
          }
          parent = openMark.element;
        } else {
          openMark = null;
        }
        const kinds = [...new Set(terms.filter((t) => t.start <= a && t.end >= b).map((t) => t.kind))];
        if (kinds.length) {
          // Overlapping terms ("data", "data engineer") cut the text into
          // pieces; pieces of the same kinds side by side share one ring.
          const className = ['term', ...kinds.sort().map((k) => `term-${k}`)].join(' ');
          const previous = parent.lastChild;
          if (previous && previous.nodeType === Node.ELEMENT_NODE && previous.className === className) {
            previous.append(text);
          } else {
            const span = document.createElement('span');
            span.className = className;
            span.textContent = text;
            parent.append(span);
          }
        } else if (bold > 0) {
          const strong = document.createElement('strong');
          strong.textContent = text;
          parent.append(strong);
        } else {
          parent.append(text);
        }
      }
    }
  }

  /** A skill's <mark>: focusable (its first piece), described by its tooltip. */
  function markElement(mark, focusable) {
    const element = document.createElement('mark');
    element.className = `skill ${mark.requirement}`;
    element.dataset.skillId = mark.skill.id;
    element.setAttribute('aria-describedby', mark.tipId);
    if (focusable) element.tabIndex = 0;
    return element;
  }

  function tooltip(id, skill, requirement) {
    const tip = document.createElement('div');
    tip.className = 'tip';
    tip.id = id;
    tip.setAttribute('role', 'tooltip');
    tip.hidden = true;
    // The tooltip is also the mark's accessible description: hidden full
    // stops keep a screen reader from running the rows together.
    const stop = () => {
      const s = document.createElement('span');
      s.className = 'visually-hidden';
      s.textContent = '. ';
      return s;
    };
    const name = document.createElement('span');
    name.className = 'tip-name';
    name.append(skill.name, stop());
    tip.append(name);
    const row = (key, value) => {
      const line = document.createElement('span');
      line.className = 'tip-row';
      const k = document.createElement('span');
      k.className = 'tip-key';
      k.textContent = `${key}: `;
      line.append(k, value, stop());
      tip.append(line);
    };
    row('Category', skill.category);
    row('Asked here', requirement === skill.requirement
      ? requirement
      : `${requirement} (elsewhere ${skill.requirement})`);
    row('Years', skill.years === null || skill.years === undefined ? 'not stated' : `${skill.years}+`);
    row('Id', skill.id);
    // Ids in the ESCO and O*NET classifications, when the catalog has them;
    // a skill the catalog lacks may be linked to ESCO by its name, with the
    // similarity of the two names.
    if (skill.esco) {
      row('ESCO', typeof skill.esco_similarity === 'number'
        ? `${skill.esco} (linked by name, similarity ${skill.esco_similarity.toFixed(2)})`
        : skill.esco);
    }
    if (skill.onet) row('O*NET', skill.onet_code ? `${skill.onet} (${skill.onet_code})` : skill.onet);
    return tip;
  }

  // ---- Tooltips: on hover and on focus, Escape hides ------------------------

  let shownTip = null;
  let shownFor = null;
  let hideTimer = 0;

  function showTip(mark) {
    clearTimeout(hideTimer);
    const tip = $(mark.getAttribute('aria-describedby'));
    if (!tip) return;
    if (shownTip && shownTip !== tip) hideTip();
    if (shownFor) shownFor.classList.remove('active');
    tip.hidden = false;
    shownTip = tip;
    shownFor = mark;
    mark.classList.add('active');
    const rect = mark.getClientRects()[0] || mark.getBoundingClientRect();
    const width = tip.offsetWidth;
    const height = tip.offsetHeight;
    const pageWidth = document.documentElement.clientWidth;
    let left = rect.left;
    left = Math.max(8, Math.min(left, pageWidth - width - 8));
    let top = rect.bottom + 6;
    if (top + height > window.innerHeight && rect.top - height - 6 > 0) top = rect.top - height - 6;
    tip.style.left = `${left + window.scrollX}px`;
    tip.style.top = `${top + window.scrollY}px`;
  }

  function hideTip() {
    clearTimeout(hideTimer);
    if (shownTip) shownTip.hidden = true;
    if (shownFor) shownFor.classList.remove('active');
    shownTip = null;
    shownFor = null;
  }

  const hideTipSoon = () => {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hideTip, 250);
  };

  for (const field of [$('text-title'), $('text-description')]) {
    field.addEventListener('mouseover', (e) => {
      const mark = e.target.closest('mark.skill');
      if (mark) showTip(mark);
    });
    field.addEventListener('mouseout', (e) => {
      if (e.target.closest('mark.skill')) hideTipSoon();
    });
    field.addEventListener('focusin', (e) => {
      const mark = e.target.closest('mark.skill');
      if (mark) showTip(mark);
    });
    field.addEventListener('focusout', hideTip);
  }
  // The tooltip can be hovered without vanishing (WCAG 1.4.13).
  tips.addEventListener('mouseover', () => clearTimeout(hideTimer));
  tips.addEventListener('mouseout', hideTipSoon);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hideTip();
  });
  window.addEventListener('resize', hideTip);

  // ---- The labels -----------------------------------------------------------

  function percent(p) {
    if (p > 0 && p < 0.001) return '<0.1%';
    return `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
  }

  function drawClasses(list, alternatives, chosen) {
    list.replaceChildren();
    for (const c of alternatives) {
      const item = document.createElement('li');
      if (c.label === chosen) item.className = 'top';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = c.label;
      name.title = c.label;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.setAttribute('aria-hidden', 'true');
      const fill = document.createElement('span');
      fill.className = 'fill';
      fill.style.width = `${Math.max(0, Math.min(1, c.probability)) * 100}%`;
      bar.append(fill);
      const pct = document.createElement('span');
      pct.className = 'pct';
      pct.textContent = percent(c.probability);
      item.append(name, ' ', bar, pct);
      list.append(item);
    }
  }

  /** The terms behind a decision, as a list beside it. */
  function drawTerms(box, terms, kind, posting) {
    box.replaceChildren();
    if (!terms || terms.length === 0) {
      box.textContent = 'No term stood out.';
      return;
    }
    const caption = document.createElement('p');
    caption.textContent = 'Terms behind it (weight \u00d7 value):';
    const list = document.createElement('ul');
    for (const t of terms) {
      const item = document.createElement('li');
      const word = document.createElement('span');
      word.className = `term term-${kind}`;
      const text = posting[t.field];
      const first = t.spans && t.spans[0];
      if (typeof text === 'string' && first) {
        const toIndex = byteToIndex(text);
        word.textContent = text.slice(toIndex(first[0]), toIndex(first[1]));
      } else {
        word.textContent = t.term;
      }
      const where = document.createElement('span');
      where.className = 'where';
      const sign = t.score >= 0 ? '+' : '\u2212';
      where.textContent = ` ${t.field} ${sign}${Math.abs(t.score).toFixed(2)}`;
      item.append(word, where);
      list.append(item);
    }
    box.append(caption, list);
  }

  /** Skill marks and term spans of one field, in string indices. */
  function spansOf(posting, field, explain) {
    const raw = typeof posting[field] === 'string' ? posting[field] : '';
    const toIndex = byteToIndex(raw);
    const marks = [];
    (posting.skills || []).forEach((skill, k) => {
      skill.spans.forEach((span, s) => {
        if (span.field !== field) return;
        marks.push({
          skill,
          requirement: span.requirement,
          start: toIndex(span.start),
          end: toIndex(span.end),
          tipId: `tip-${k}-${s}`,
        });
      });
    });
    marks.sort((a, b) => a.start - b.start || b.end - a.end);
    const disjoint = marks.filter((m, i) => m.end > m.start && (i === 0 || m.start >= marks[i - 1].end));
    const terms = [];
    if (explain) {
      for (const [kind, list] of [['role', posting.role_terms], ['seniority', posting.seniority_terms]]) {
        for (const t of list || []) {
          if (t.field !== field) continue;
          for (const [start, end] of t.spans || []) {
            terms.push({ kind, start: toIndex(start), end: toIndex(end) });
          }
        }
      }
    }
    return { raw, marks: disjoint, terms };
  }

  function drawText(posting) {
    hideTip();
    tips.replaceChildren();
    const explain = explainToggle.checked;
    let drawn = 0;
    for (const [field, element] of [['title', $('text-title')], ['description', $('text-description')]]) {
      const { raw, marks, terms } = spansOf(posting, field, explain);
      for (const m of marks) tips.append(tooltip(m.tipId, m.skill, m.requirement));
      drawField(element, raw, marks, terms);
      drawn += marks.length;
      if (!raw.trim()) element.textContent = field === 'title' ? '(no title)' : '(no description)';
    }
    $('no-skills').hidden = drawn > 0;
    $('role-terms').hidden = !explain;
    $('seniority-terms').hidden = !explain;
    $('explain-legend').hidden = !explain;
  }

  // The label the model would give: the label, or below the server's
  // --min-confidence (the label then says "uncertain") its best guess.
  function bestOf(posting, kind) {
    const guess = posting[`${kind}_guess`];
    return typeof guess === 'string' ? guess : posting[kind];
  }

  // The label as shown: "uncertain (best guess: X)" below the threshold.
  function shownLabel(posting, kind) {
    const best = bestOf(posting, kind);
    return posting[kind] === best ? best : `${posting[kind]} (best guess: ${best})`;
  }

  function alternativesOf(posting, kind) {
    const listed = posting[`${kind}_alternatives`];
    if (Array.isArray(listed) && listed.length) return listed;
    return [{ label: bestOf(posting, kind), probability: posting[`${kind}_confidence`] }];
  }

  function draw(posting) {
    last = posting;
    $('role-label').textContent = shownLabel(posting, 'role');
    $('role-confidence').textContent = percent(posting.role_confidence);
    drawClasses($('role-classes'), alternativesOf(posting, 'role'), bestOf(posting, 'role'));
    drawTerms($('role-terms'), posting.role_terms, 'role', posting);
    const hasSeniority = typeof posting.seniority === 'string';
    $('seniority-section').hidden = !hasSeniority;
    if (hasSeniority) {
      $('seniority-label').textContent = shownLabel(posting, 'seniority');
      $('seniority-confidence').textContent = percent(posting.seniority_confidence);
      drawClasses($('seniority-classes'), alternativesOf(posting, 'seniority'), bestOf(posting, 'seniority'));
      drawTerms($('seniority-terms'), posting.seniority_terms, 'seniority', posting);
    }
    const skills = posting.skills || [];
    const count = (level) => skills.filter((s) => s.requirement === level).length;
    for (const level of ['required', 'preferred', 'mentioned']) {
      $(`count-${level}`).textContent = `(${count(level)})`;
    }
    drawText(posting);
    output.hidden = false;
    const seniority = hasSeniority
      ? `, seniority ${shownLabel(posting, 'seniority')} (${percent(posting.seniority_confidence)})`
      : '';
    status.textContent = `Labelled: role ${shownLabel(posting, 'role')} (${percent(posting.role_confidence)})${seniority}, `
      + `${skills.length} skill${skills.length === 1 ? '' : 's'}: ${count('required')} required, `
      + `${count('preferred')} preferred, ${count('mentioned')} mentioned.`;
  }

  // ---- Errors -----------------------------------------------------------------

  function showError(headline, detail) {
    errorBox.replaceChildren();
    const strong = document.createElement('strong');
    strong.textContent = headline;
    errorBox.append(strong);
    if (detail) {
      const p = document.createElement('span');
      p.className = 'error-detail';
      p.textContent = detail;
      errorBox.append(p);
    }
    errorBox.hidden = false;
    output.hidden = true;
    last = null;
    hideTip();
    status.textContent = 'No result: the request failed (see the message under the Label button).';
  }

  function apiError(response, body) {
    const error = body && body.error;
    if (error && typeof error.message === 'string') {
      // "$: " names the whole posting in the API's messages; here there is one.
      const message = error.message.replace(/^\$: /, '');
      return [`The service answered ${response.status} (${error.code}).`, message];
    }
    return [`The service answered ${response.status} ${response.statusText}.`, ''];
  }

  // ---- Sending a posting --------------------------------------------------------

  function setBusy(on) {
    busy = on;
    button.setAttribute('aria-disabled', on ? 'true' : 'false');
    button.textContent = on ? 'Labelling\u2026' : 'Label';
    result.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  async function label() {
    if (busy) return;
    setBusy(true);
    errorBox.hidden = true;
    status.textContent = 'Labelling\u2026';
    try {
      const response = await fetch('v1/label?explain=true', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ title: titleInput.value, description: descriptionInput.value }),
        cache: 'no-store',
        credentials: 'same-origin',
      });
      let body = null;
      try {
        body = await response.json();
      } catch (_) {
        body = null;
      }
      if (!response.ok || !body || typeof body.role !== 'string') {
        const [headline, detail] = apiError(response, body);
        showError(headline, detail);
        return;
      }
      draw(body);
    } catch (e) {
      showError('Could not reach the service.', String(e && e.message ? e.message : e));
    } finally {
      setBusy(false);
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    label();
  });
  descriptionInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      label();
    }
  });
  explainToggle.addEventListener('change', () => {
    if (last) drawText(last);
  });

  // ---- The model being served ---------------------------------------------------

  fetch('v1/model', { headers: { Accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
    .then((m) => {
      // Served with --catalog-only, no skill is `uncatalogued`: say why.
      const skills = m.defaults && m.defaults.catalog_only ? ', skills from the catalog only' : '';
      $('model-info').textContent = `Model: ${m.name}, trained ${m.trained_on}, `
        + `${(m.roles || []).length} roles, ${(m.seniorities || []).length} seniority levels${skills}`;
    })
    .catch(() => {
      $('model-info').textContent = 'Model: unknown';
    });
})();
