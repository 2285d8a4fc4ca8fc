// The support console: signs in with a support key (kept for this tab only), searches the support
// API and shows each verification's diagnosis and timeline. Plain DOM, no dependencies.
const TEXT = {
  en: {
    title: 'Sendcode support',
    signOut: 'Sign out',
    keyLabel: 'Support API key',
    signIn: 'Sign in',
    searchBy: 'Search by',
    byTo: 'Phone or email',
    byAccount: 'Account reference',
    byId: 'Verification id',
    queryLabel: 'Value',
    search: 'Search',
    lang: '日本語',
    badKey: 'That key was refused (it needs the support scope).',
    searching: 'Searching…',
    found: (n) => `${n} verification${n === 1 ? '' : 's'} in the last 7 days.`,
    failed: 'The search failed: ',
    showTimeline: 'Show timeline',
    hideTimeline: 'Hide timeline',
    client: 'client',
    created: 'created',
    attempts: 'wrong codes',
    refreshing: 'Refreshing every 5 s while pending.',
    diagnosis: 'Diagnosis',
  },
  ja: {
    title: 'Sendcode サポート',
    signOut: 'サインアウト',
    keyLabel: 'サポート用 API キー',
    signIn: 'サインイン',
    searchBy: '検索対象',
    byTo: '電話番号またはメール',
    byAccount: 'アカウント参照',
    byId: '認証 ID',
    queryLabel: '値',
    search: '検索',
    lang: 'English',
    badKey: 'このキーは使えません（support スコープが必要です）。',
    searching: '検索中…',
    found: (n) => `過去7日間の認証：${n}件`,
    failed: '検索に失敗しました：',
    showTimeline: 'タイムラインを表示',
    hideTimeline: 'タイムラインを隠す',
    client: 'クライアント',
    created: '作成',
    attempts: '誤入力',
    refreshing: '未完了の間は5秒ごとに更新します。',
    diagnosis: '診断',
  },
};
const STATUS = {
  approved: 'ok',
  delivered: 'ok',
  check_valid: 'ok',
  sent: 'ok',
  created: 'wait',
  queued: 'wait',
  pending: 'wait',
  resend: 'wait',
  failover: 'wait',
  no_receipt: 'wait',
  circuit_skipped: 'wait',
  send_failed: 'bad',
  delivery_failed: 'bad',
  undelivered: 'bad',
  check_invalid: 'bad',
  locked: 'bad',
  expired: 'bad',
  canceled: 'bad',
  refused: 'bad',
  failed: 'bad',
};

const $ = (id) => document.getElementById(id);
const state = { lang: 'en', results: [], open: new Set(), query: null, timer: undefined, status: () => '' };
const t = (key) => TEXT[state.lang][key];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

const time = (iso) => (iso ? new Date(iso).toLocaleString(state.lang === 'ja' ? 'ja-JP' : 'en-GB') : '');

async function api(path) {
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${sessionStorage.getItem('supportKey') ?? ''}` },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok)
    throw Object.assign(new Error(body.error?.message ?? response.statusText), { status: response.status });
  return body;
}

function showSignedIn(signedIn) {
  $('signin').hidden = signedIn;
  $('search').hidden = !signedIn;
  $('signout').hidden = !signedIn;
  (signedIn ? $('query') : $('key')).focus();
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('lang').textContent = t('lang');
  $('lang').setAttribute('aria-pressed', String(state.lang === 'ja'));
  render();
  showStatus(state.status);
}

/** Status line, kept as a function of the language so the toggle re-words it. */
function showStatus(status) {
  state.status = status;
  $('status').textContent = status();
}

function eventLine(event) {
  const where = [event.channel, event.provider, event.to].filter(Boolean).join(' · ');
  const detail = event.detail
    ? Object.entries(event.detail)
        .filter(([name]) => name !== 'providerMessageId')
        .map(([name, value]) => `${name}=${value}`)
        .join(', ')
    : '';
  return el(
    'li',
    {},
    el('span', { class: `dot ${STATUS[event.type] ?? ''}`, 'aria-hidden': 'true' }),
    el('time', { datetime: event.at }, time(event.at)),
    el('strong', {}, event.type),
    where ? ` — ${where}` : '',
    detail ? ` (${detail})` : '',
  );
}

function card(v) {
  const text = v.diagnosis[state.lang];
  const open = state.open.has(v.id);
  const toggle = el(
    'button',
    { type: 'button', class: 'toggle', 'aria-expanded': String(open), 'aria-controls': `tl-${v.id}` },
    open ? t('hideTimeline') : t('showTimeline'),
  );
  toggle.addEventListener('click', () => {
    if (state.open.has(v.id)) state.open.delete(v.id);
    else state.open.add(v.id);
    render();
    document.querySelector(`[aria-controls="tl-${v.id}"]`)?.focus();
  });
  const timeline = el(
    'ol',
    { class: 'timeline', id: `tl-${v.id}`, 'aria-label': 'timeline' },
    ...v.timeline.map(eventLine),
  );
  timeline.hidden = !open;
  return el(
    'li',
    { class: `card ${STATUS[v.status] ?? ''}`, 'data-id': v.id },
    el('h2', {}, el('span', { class: 'badge' }, v.status), v.to ?? '', el('small', {}, v.purpose)),
    el(
      'p',
      { class: 'meta' },
      `${t('client')}: ${v.client} · ${t('created')}: ${time(v.createdAt)} · ${t('attempts')}: ${v.checks.attempts}/${v.checks.maxAttempts} · ${v.id}`,
    ),
    el(
      'div',
      { class: 'diagnosis', 'data-code': v.diagnosis.code, role: 'note', 'aria-label': t('diagnosis') },
      el('strong', {}, text.summary),
      text.suggestion,
    ),
    toggle,
    timeline,
  );
}

function render() {
  $('results').replaceChildren(...state.results.map(card));
}

async function search(quiet) {
  clearTimeout(state.timer);
  if (!state.query) return;
  if (!quiet) showStatus(() => t('searching'));
  try {
    const params = new URLSearchParams({ [state.query.kind]: state.query.value });
    const body = await api(`/v1/support/verifications?${params}`);
    state.results = body.verifications;
    const pending = state.results.some((v) => v.status === 'pending');
    const count = state.results.length;
    showStatus(() => `${t('found')(count)}${pending ? ` ${t('refreshing')}` : ''}`);
    render();
    if (pending) state.timer = setTimeout(() => search(true), 5000);
  } catch (error) {
    showStatus(() => `${t('failed')}${error.message}`);
    if (error.status === 401 || error.status === 403) signOut();
  }
}

function signOut() {
  sessionStorage.removeItem('supportKey');
  clearTimeout(state.timer);
  state.results = [];
  render();
  showSignedIn(false);
}

$('signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  sessionStorage.setItem('supportKey', $('key').value.trim());
  $('key').value = '';
  try {
    await api('/v1/support/audit?limit=1');
    $('signin-error').textContent = '';
    showSignedIn(true);
  } catch {
    sessionStorage.removeItem('supportKey');
    $('signin-error').textContent = t('badKey');
  }
});
$('search').addEventListener('submit', (event) => {
  event.preventDefault();
  state.query = { kind: $('kind').value, value: $('query').value.trim() };
  state.open.clear();
  search(false);
});
$('signout').addEventListener('click', signOut);
$('lang').addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'ja' : 'en';
  applyLanguage();
});
applyLanguage();
showSignedIn(Boolean(sessionStorage.getItem('supportKey')));
