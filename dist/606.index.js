export const id = 606;
export const ids = [606];
export const modules = {

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
