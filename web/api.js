// The explorer's calls to the server that served it: the native read API
// (GET /api/v1/...), the SageMaker JSON 1.1 API (POST /) and the metrics
// REST-JSON route. Every answer comes back as {ok, status, data, type,
// unavailable}; nothing throws for an HTTP error.

export const DEFAULT_ACCOUNT = '123456789012';

/** The tenant the page reads: {account, region}; empty means the server's default. */
export const scope = { account: '', region: '' };

/** The unsigned-request scope header: lineaged reads the account and region
 * from the SigV4 credential scope and never checks the signature, so the
 * browser (which holds no secret) names its tenant this way. */
function scopeHeaders() {
  if (!scope.account && !scope.region) return {};
  const account = scope.account || DEFAULT_ACCOUNT;
  const region = scope.region || 'us-east-1';
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return {
    Authorization: `AWS4-HMAC-SHA256 Credential=${account}/${day}/${region}/sagemaker/aws4_request, ` +
      'SignedHeaders=host, Signature=unsigned',
  };
}

async function answer(res) {
  const type = res.headers.get('Content-Type') || '';
  const text = await res.text();
  let data = text;
  if (type.includes('json')) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  const errType = data && typeof data === 'object' ? data.__type || '' : '';
  return {
    ok: res.ok,
    status: res.status,
    type,
    data,
    text,
    // A route or parameter this server does not serve (yet).
    unavailable: res.status === 404 || res.status === 501 || /UnknownOperation|NotImplemented/.test(errType),
    error: res.ok ? '' : (data && (data.message || data.Message)) || `HTTP ${res.status}`,
  };
}

async function send(url, init) {
  try {
    return await answer(await fetch(url, init));
  } catch (e) {
    return { ok: false, status: 0, data: null, unavailable: false, error: `The server cannot be reached (${e.message}).` };
  }
}

/** The query string of `params` (arrays repeat a key) plus the scope. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
  }
  if (scope.account) q.set('account', scope.account);
  if (scope.region) q.set('region', scope.region);
  return q.toString();
}

/** GET /api/v1/<path>?params. */
export function native(path, params) {
  return send(`/api/v1/${path}?${query(params)}`, { headers: { Accept: 'application/json, */*' } });
}

/** One SageMaker operation, e.g. sm('DescribeArtifact', {ArtifactArn}). */
export function sm(op, body) {
  return send('/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `SageMaker.${op}`, ...scopeHeaders() },
    body: JSON.stringify(body || {}),
  });
}

/** Every page of a List* operation: the concatenated `member` lists (at most `cap` items). */
export async function smAll(op, body, member, cap = 500) {
  const items = [];
  let token;
  do {
    const r = await sm(op, { ...body, ...(token ? { NextToken: token } : {}) });
    if (!r.ok) return { ...r, items };
    items.push(...(r.data[member] || []));
    token = r.data.NextToken;
  } while (token && items.length < cap);
  return { ok: true, items };
}

/** POST /BatchGetMetrics (REST-JSON). */
export function batchGetMetrics(queries) {
  return send('/BatchGetMetrics', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...scopeHeaders() },
    body: JSON.stringify({ MetricQueries: queries }),
  });
}

/** The kind of entity an ARN names: artifact, action, context, experiment, trial, trial-component. */
export function kindOf(arn) {
  const m = /^arn:[^:]+:sagemaker:[^:]*:\d{12}:([a-z-]+)\//.exec(arn || '');
  const t = m ? m[1] : '';
  return { 'experiment-trial-component': 'trial-component', 'experiment-trial': 'trial' }[t] || t;
}

/** The resource name in an ARN (after the type). */
export function nameOf(arn) {
  return (arn || '').replace(/^[^/]*\//, '');
}
