export const id = 29;
export const ids = [29,606];
export const modules = {

/***/ 3029:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DEFAULT_LIMITS: () => (/* binding */ DEFAULT_LIMITS),
/* harmony export */   GITHUB_CLAIMS_SHOWN: () => (/* binding */ GITHUB_CLAIMS_SHOWN),
/* harmony export */   attemptPolicy: () => (/* binding */ attemptPolicy),
/* harmony export */   buildCredential: () => (/* binding */ buildCredential),
/* harmony export */   createCredential: () => (/* binding */ createCredential),
/* harmony export */   endpointOf: () => (/* binding */ endpointOf),
/* harmony export */   entraOptions: () => (/* binding */ entraOptions),
/* harmony export */   githubAssertion: () => (/* binding */ githubAssertion),
/* harmony export */   httpOptions: () => (/* binding */ httpOptions),
/* harmony export */   requireOidcEnvironment: () => (/* binding */ requireOidcEnvironment),
/* harmony export */   resourceOfScope: () => (/* binding */ resourceOfScope)
/* harmony export */ });
/* harmony import */ var _azure_identity__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8256);
/* harmony import */ var _clouds_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(157);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3916);
/* harmony import */ var _explanations_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2547);
/* harmony import */ var _deadline_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6683);
/* harmony import */ var _token_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4606);
/* harmony import */ var _server_text_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(2086);
/* harmony import */ var _values_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(4777);
// Builds the one @azure/identity credential the configuration asks for, with bounded time and deliberate retries.
// Every sign-in goes through the library's own classes: this module only chooses the class and its options.








const DEFAULT_LIMITS = {
    requestTimeoutMs: 10_000,
    oidcTimeoutMs: 20_000,
    maxRetries: 2,
    retryDelayMs: 250,
    maxRetryDelayMs: 2_000,
    processTimeoutMs: 30_000
};
const RETRY_AFTER_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms', 'retry-after'];
/** The request's URL without its query, which may hold a resource or client ID but nothing a user needs. */
function endpointOf(url) {
    const parsed = (0,_values_js__WEBPACK_IMPORTED_MODULE_6__/* .parseUrl */ .Dl)(url);
    return parsed ? `${parsed.origin}${parsed.pathname}` : url;
}
/**
 * A pipeline policy run once per attempt (below the retry policy): it bounds each attempt's time, so a hung endpoint
 * fails naming itself instead of hanging the job, and it caps a server's Retry-After at the longest retry delay, so
 * a throttling answer is retried soon or not at all.
 */
function attemptPolicy(limits, state = {}) {
    return {
        name: 'boundedAttempt',
        async sendRequest(request, next) {
            // Our own timer rather than request.timeout: the HTTP client leaves that timer running after a failed attempt,
            // which keeps the process alive for the whole time limit after, say, a reset connection.
            const outer = request.abortSignal;
            const attempt = new AbortController();
            const timer = setTimeout(() => {
                attempt.abort();
            }, limits.requestTimeoutMs);
            const forward = () => {
                attempt.abort();
            };
            outer?.addEventListener('abort', forward);
            request.abortSignal = attempt.signal;
            let response;
            try {
                response = await next(request);
            }
            catch (error) {
                // A timeout surfaces as a bare AbortError that says nothing of where; name the endpoint instead.
                const timedOut = attempt.signal.aborted && outer?.aborted !== true;
                const failure = timedOut
                    ? new _deadline_js__WEBPACK_IMPORTED_MODULE_4__/* .DeadlineError */ .j(endpointOf(request.url), limits.requestTimeoutMs, { cause: error })
                    : error;
                state.transportError = failure;
                throw failure;
            }
            finally {
                clearTimeout(timer);
                outer?.removeEventListener('abort', forward);
                request.abortSignal = outer;
            }
            for (const name of RETRY_AFTER_HEADERS) {
                const value = response.headers.get(name);
                if (value === undefined)
                    continue;
                const ms = name === 'retry-after' ? retryAfterSecondsToMs(value) : Number(value);
                if (Number.isFinite(ms) && ms > limits.maxRetryDelayMs) {
                    response.headers.set(name, name === 'retry-after' ? String(limits.maxRetryDelayMs / 1000) : String(limits.maxRetryDelayMs));
                }
            }
            return response;
        }
    };
}
function retryAfterSecondsToMs(value) {
    const seconds = Number(value);
    if (Number.isFinite(seconds))
        return seconds * 1000;
    return Date.parse(value) - Date.now();
}
/** Options shared by every HTTP-based credential. */
function httpOptions(limits, state = {}) {
    return {
        retryOptions: {
            maxRetries: limits.maxRetries,
            retryDelayInMs: limits.retryDelayMs,
            maxRetryDelayInMs: limits.maxRetryDelayMs
        },
        additionalPolicies: [{ policy: attemptPolicy(limits, state), position: 'perRetry' }]
    };
}
/** Options for the Microsoft Entra ID (MSAL) credentials: the sign-in host, and instance discovery only where MSAL
 *  can do it (Microsoft's hosts); elsewhere discovery would ask login.microsoftonline.com and fail after seconds. */
function entraOptions(authorityHost, limits, state = {}) {
    return {
        ...httpOptions(limits, state),
        authorityHost,
        disableInstanceDiscovery: !(0,_clouds_js__WEBPACK_IMPORTED_MODULE_1__/* .isMicrosoftAuthorityHost */ .y$)(authorityHost)
    };
}
/** The non-secret claims of a GitHub OIDC token worth showing before the exchange. */
const GITHUB_CLAIMS_SHOWN = ['iss', 'sub', 'aud', 'job_workflow_ref'];
/** Longest claim shown: far beyond a real subject or workflow ref, short of a flood. */
const MAX_CLAIM_SHOWN = 300;
// JSON quoting escapes line breaks; the sanitizer also removes what JSON leaves (U+2028, U+2029, DEL) and bounds
// the length, so a claim stays on its line and cannot start a workflow command.
function describeClaim(value) {
    return value === undefined ? '(absent)' : (0,_server_text_js__WEBPACK_IMPORTED_MODULE_7__/* .sanitizeServerText */ .c)(JSON.stringify(value), [], MAX_CLAIM_SHOWN);
}
/** Fails with the explanation when the job has no OIDC permission: without it there is nothing to ask for. */
function requireOidcEnvironment(env) {
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
        throw (0,_explanations_js__WEBPACK_IMPORTED_MODULE_3__/* .explainMissingOidcPermission */ .qf)();
}
/** A GitHub token is reused while it has this long left: MSAL asks for the assertion twice per sign-in. */
const ASSERTION_REUSE_MARGIN_MS = 60_000;
/**
 * The assertion callback of an OIDC sign-in: asks GitHub for its token, bounded in time, logs the claims Entra ID will
 * match against a federated credential, and remembers them for the explanation of a mismatch.
 */
function githubAssertion(audience, deps, oidcEndpoint, options) {
    let cached;
    let pending;
    const fetchAssertion = async () => {
        // core.getIDToken masks the GitHub token itself (setSecret) before returning it.
        const jwt = await (0,_deadline_js__WEBPACK_IMPORTED_MODULE_4__/* .withDeadline */ .N)(deps.getIDToken(audience), options.timeoutMs, `the GitHub OIDC endpoint ${oidcEndpoint}`);
        const claims = (0,_token_js__WEBPACK_IMPORTED_MODULE_5__.decodeJwtPayload)(jwt);
        if (options.state)
            options.state.githubClaims = claims;
        deps.info(`GitHub OIDC token: ${GITHUB_CLAIMS_SHOWN.map(name => `${name}=${describeClaim(claims[name])}`).join(', ')}`);
        if (typeof claims.exp === 'number')
            cached = { jwt, expiresAtMs: claims.exp * 1000 };
        return jwt;
    };
    return () => {
        if (cached && cached.expiresAtMs - Date.now() > ASSERTION_REUSE_MARGIN_MS)
            return Promise.resolve(cached.jwt);
        pending ??= fetchAssertion().finally(() => {
            pending = undefined;
        });
        return pending;
    };
}
/** The @azure/identity credential for the sign-in; exported so tests can check the class and its options. */
function buildCredential(config, deps, limits = DEFAULT_LIMITS, state = {}) {
    const signIn = config.signIn;
    switch (signIn.type) {
        case 'oidc': {
            const env = deps.env ?? process.env;
            requireOidcEnvironment(env);
            const getAssertion = githubAssertion(signIn.audience, deps, endpointOf(env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''), {
                timeoutMs: limits.oidcTimeoutMs,
                state
            });
            return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .ClientAssertionCredential */ .XI(signIn.tenantId, signIn.clientId, getAssertion, entraOptions(config.authorityHost, limits, state));
        }
        case 'client-secret':
            return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .ClientSecretCredential */ .HC(signIn.tenantId, signIn.clientId, signIn.clientSecret, entraOptions(config.authorityHost, limits, state));
        case 'client-certificate':
            return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .ClientCertificateCredential */ .m0(signIn.tenantId, signIn.clientId, { certificate: signIn.certificatePem }, entraOptions(config.authorityHost, limits, state));
        case 'managed-identity':
            return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .ManagedIdentityCredential */ .NC({
                ...httpOptions(limits, state),
                ...(signIn.clientId ? { clientId: signIn.clientId } : {})
            });
        case 'azure-cli':
            return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .AzureCliCredential */ .nG({
                processTimeoutInMs: limits.processTimeoutMs,
                ...(signIn.tenantId ? { tenantId: signIn.tenantId } : {})
            });
        case 'azure-powershell':
            return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .AzurePowerShellCredential */ .sj({
                processTimeoutInMs: limits.processTimeoutMs,
                ...(signIn.tenantId ? { tenantId: signIn.tenantId } : {})
            });
    }
}
/** The resource a `<resource>/.default` scope asks for. */
function resourceOfScope(scopes) {
    const scope = Array.isArray(scopes) ? (scopes[0] ?? '') : scopes;
    return scope.replace(/\/\.default$/, '');
}
/**
 * The credential for the configured sign-in. Its failures are ActionErrors that say what to change; for OIDC they
 * carry the claims of the GitHub token that was presented, which is what a federated-credential mismatch is about.
 */
function createCredential(config, deps, limits = DEFAULT_LIMITS) {
    const state = {};
    const inner = buildCredential(config, deps, limits, state);
    return {
        async getToken(scopes, options) {
            state.transportError = undefined;
            try {
                return await inner.getToken(scopes, options);
            }
            catch (error) {
                if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .l)
                    throw error;
                // MSAL replaces a timeout or a refused connection by a bare network_error: explain what really happened.
                const cause = isNetworkError(error) && state.transportError !== undefined ? state.transportError : error;
                throw (0,_explanations_js__WEBPACK_IMPORTED_MODULE_3__/* .explainSignInFailure */ .gT)(cause, {
                    signIn: config.signIn,
                    resource: resourceOfScope(scopes),
                    authorityHost: config.authorityHost,
                    secrets: config.secrets,
                    ...(state.githubClaims ? { githubClaims: state.githubClaims } : {})
                });
            }
        }
    };
}
/** MSAL's error for a request that got no HTTP answer, possibly wrapped by @azure/identity. */
function isNetworkError(error) {
    for (let link = error, depth = 0; link instanceof Error && depth < 8; link = link.cause, depth++) {
        if (link.errorCode === 'network_error' || link.message.startsWith('network_error')) {
            return true;
        }
    }
    return false;
}


/***/ }),

/***/ 6683:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ withDeadline),
/* harmony export */   j: () => (/* binding */ DeadlineError)
/* harmony export */ });
/* harmony import */ var _durations_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5534);
// Time limits on promises: a sign-in or GitHub OIDC request that never answers fails naming what did not answer,
// instead of hanging the job.

/** Runs `task` but gives up after `ms` with a message naming what did not answer. */
async function withDeadline(task, ms, what) {
    let timer;
    const deadline = new Promise((_, reject) => {
        timer = setTimeout(() => {
            reject(new DeadlineError(what, ms));
        }, ms);
        // A pending deadline must not keep the process alive once the task is done.
        timer.unref();
    });
    try {
        return await Promise.race([task, deadline]);
    }
    finally {
        clearTimeout(timer);
    }
}
class DeadlineError extends Error {
    endpoint;
    constructor(endpoint, ms, options) {
        super(`No answer from ${endpoint} within ${(0,_durations_js__WEBPACK_IMPORTED_MODULE_0__/* .formatSeconds */ .Xo)(ms)}`, options);
        this.name = 'DeadlineError';
        this.endpoint = endpoint;
    }
}


/***/ }),

/***/ 4606:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DEFAULT_SIGN_IN_TIMEOUT_MS: () => (/* binding */ DEFAULT_SIGN_IN_TIMEOUT_MS),
/* harmony export */   decodeJwtPayload: () => (/* binding */ decodeJwtPayload),
/* harmony export */   getAccessToken: () => (/* binding */ getAccessToken),
/* harmony export */   readTokenClaims: () => (/* binding */ readTokenClaims)
/* harmony export */ });
/* harmony import */ var _deadline_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6683);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _explanations_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2547);
/* harmony import */ var _values_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4777);




/** The payload of a JWT, decoded without verification (the token's recipient verifies it; we only read it). */
function decodeJwtPayload(jwt) {
    try {
        const payload = jwt.split('.')[1] ?? '';
        const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        return (0,_values_js__WEBPACK_IMPORTED_MODULE_3__/* .isRecord */ .u4)(parsed) ? parsed : {};
    }
    catch {
        return {};
    }
}
/**
 * The non-secret claims of an access token (v1 tokens name the client `appid`, v2 tokens `azp`). They reach the log,
 * the outputs and the job summary, so a claim unlike what Microsoft Entra ID issues (a GUID for the IDs, one printable
 * line for the audience and issuer) is left out: a hostile sign-in host must not start a workflow command through one.
 */
function readTokenClaims(jwt) {
    const payload = decodeJwtPayload(jwt);
    const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    const claims = {
        aud: lineClaim(aud),
        iss: lineClaim(payload.iss),
        oid: guidClaim(payload.oid),
        appId: guidClaim(payload.appid) ?? guidClaim(payload.azp),
        tenantId: guidClaim(payload.tid)
    };
    // Only the claims present, so consumers can tell "absent" by the key.
    return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}
function guidClaim(value) {
    const text = (0,_values_js__WEBPACK_IMPORTED_MODULE_3__/* .nonEmptyString */ .y0)(value);
    return text !== undefined && _values_js__WEBPACK_IMPORTED_MODULE_3__/* .GUID */ .Sm.test(text) ? text : undefined;
}
/** Longest audience or issuer shown: far beyond any real URL, short of a flood. */
const MAX_CLAIM_LENGTH = 2048;
function lineClaim(value) {
    const text = (0,_values_js__WEBPACK_IMPORTED_MODULE_3__/* .nonEmptyString */ .y0)(value);
    return text !== undefined && text.length <= MAX_CLAIM_LENGTH && !_values_js__WEBPACK_IMPORTED_MODULE_3__/* .CONTROL_CHARACTERS */ .nI.test(text) ? text : undefined;
}
/** The whole sign-in's time limit: a backstop above the per-request limits the credential applies itself. */
const DEFAULT_SIGN_IN_TIMEOUT_MS = 60_000;
/** Asks the credential for a token for the configured resource and reads what the outputs need from it. */
async function getAccessToken(credential, config, options = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
    const resource = config.target.resource;
    const context = { signIn: config.signIn, resource, authorityHost: config.authorityHost, secrets: config.secrets };
    const abort = new AbortController();
    let accessToken;
    try {
        accessToken = await (0,_deadline_js__WEBPACK_IMPORTED_MODULE_0__/* .withDeadline */ .N)(credential.getToken(`${resource}/.default`, { abortSignal: abort.signal }), timeoutMs, (0,_explanations_js__WEBPACK_IMPORTED_MODULE_2__/* .signInEndpoint */ .Gp)(config.signIn, config.authorityHost, process.env));
    }
    catch (error) {
        abort.abort();
        if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .l)
            throw error;
        throw (0,_explanations_js__WEBPACK_IMPORTED_MODULE_2__/* .explainSignInFailure */ .gT)(error, context);
    }
    if (!accessToken?.token) {
        throw (0,_explanations_js__WEBPACK_IMPORTED_MODULE_2__/* .explainSignInFailure */ .gT)(new Error('The sign-in returned no access token.'), context);
    }
    const expiresOn = expiryOf(accessToken);
    if (expiresOn === undefined) {
        throw (0,_explanations_js__WEBPACK_IMPORTED_MODULE_2__/* .explainSignInFailure */ .gT)(new Error('The sign-in returned a token without a valid expiry time.'), context);
    }
    return {
        token: accessToken.token,
        expiresOn,
        resource,
        claims: readTokenClaims(accessToken.token),
        signInMethod: config.signIn.type
    };
}
/**
 * When the token expires: as the credential says, or else as the token's own `exp` claim says (a tool's answer can
 * carry an expiry the library could not read).
 */
function expiryOf(accessToken) {
    const exp = decodeJwtPayload(accessToken.token).exp;
    const candidates = [accessToken.expiresOnTimestamp, typeof exp === 'number' ? exp * 1000 : Number.NaN];
    const ms = candidates.find(value => Number.isFinite(value) && value > 0);
    return ms === undefined ? undefined : new Date(ms);
}


/***/ })

};
