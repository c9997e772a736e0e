export const id = 29;
export const ids = [29];
export const modules = {

/***/ 3029:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createCredential: () => (/* binding */ createCredential)
/* harmony export */ });
/* unused harmony exports DEFAULT_LIMITS, attemptPolicy, httpOptions, entraOptions, buildCredential, resourceOfScope */
/* harmony import */ var _azure_identity__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8256);
/* harmony import */ var _clouds_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(157);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3916);
/* harmony import */ var _explanations_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2547);
/* harmony import */ var _deadline_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6683);
/* harmony import */ var _github_token_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6329);
// Builds the one @azure/identity credential the configuration asks for, with bounded time and deliberate retries.
// Every sign-in goes through the library's own classes: this module only chooses the class and its options.






const DEFAULT_LIMITS = {
    ..._github_token_js__WEBPACK_IMPORTED_MODULE_5__/* .GITHUB_TOKEN_LIMITS */ .XZ,
    requestTimeoutMs: 10_000,
    maxRetries: 2,
    retryDelayMs: 250,
    maxRetryDelayMs: 2_000,
    processTimeoutMs: 30_000
};
const RETRY_AFTER_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms', 'retry-after'];
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
                    ? new _deadline_js__WEBPACK_IMPORTED_MODULE_4__/* .DeadlineError */ .j((0,_github_token_js__WEBPACK_IMPORTED_MODULE_5__/* .endpointOf */ .X5)(request.url), limits.requestTimeoutMs, { cause: error })
                    : error;
                state.last = { transportError: failure };
                throw failure;
            }
            finally {
                clearTimeout(timer);
                outer?.removeEventListener('abort', forward);
                request.abortSignal = outer;
            }
            state.last = { answer: { endpoint: (0,_github_token_js__WEBPACK_IMPORTED_MODULE_5__/* .endpointOf */ .X5)(request.url), status: response.status } };
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
/**
 * The @azure/identity credential for the sign-in, given the GitHub assertion an OIDC sign-in presents; exported so
 * tests can check the class and its options.
 */
function buildCredential(config, github, limits = DEFAULT_LIMITS, state = {}) {
    const signIn = config.signIn;
    switch (signIn.type) {
        case 'oidc': {
            if (github === undefined)
                throw new Error('An OIDC sign-in needs the GitHub assertion (startGitHubAssertion).');
            return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .ClientAssertionCredential */ .XI(signIn.tenantId, signIn.clientId, github.getAssertion, entraOptions(config.authorityHost, limits, state));
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
    // Resolved here, so that the explanation of a failure can quote the GitHub token's claims.
    const github = deps.assertion ?? (0,_github_token_js__WEBPACK_IMPORTED_MODULE_5__/* .startGitHubAssertion */ .SM)(config.signIn, deps, deps.env ?? process.env, limits);
    const inner = buildCredential(config, github, limits, state);
    return {
        async getToken(scopes, options) {
            state.last = undefined;
            try {
                return await inner.getToken(scopes, options);
            }
            catch (error) {
                if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .lZ)
                    throw error;
                // MSAL replaces a timeout, a refused connection or an unreadable answer by a bare network_error: explain
                // what really happened last.
                const cause = isNetworkError(error) ? (whatHappened(state) ?? error) : error;
                throw (0,_explanations_js__WEBPACK_IMPORTED_MODULE_3__/* .explainSignInFailure */ .gT)(cause, {
                    signIn: config.signIn,
                    resource: resourceOfScope(scopes),
                    authorityHost: config.authorityHost,
                    secrets: config.secrets,
                    ...(github?.state.githubClaims ? { githubClaims: github.state.githubClaims } : {})
                });
            }
        }
    };
}
function whatHappened(state) {
    if (state.last === undefined)
        return undefined;
    if ('transportError' in state.last)
        return state.last.transportError;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UnreadableAnswerError */ .mP(state.last.answer.endpoint, state.last.answer.status);
}
/** MSAL's error for a request that got no usable HTTP answer, possibly wrapped by @azure/identity. */
function isNetworkError(error) {
    for (let link = error, depth = 0; link instanceof Error && depth < 8; link = link.cause, depth++) {
        if (link.errorCode === 'network_error' || link.message.startsWith('network_error')) {
            return true;
        }
    }
    return false;
}


/***/ })

};
