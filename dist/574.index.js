export const id = 574;
export const ids = [574];
export const modules = {

/***/ 7574:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AggregateAuthenticationError: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__._x),
/* harmony export */   AggregateAuthenticationErrorName: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.PV),
/* harmony export */   AuthenticationError: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.v3),
/* harmony export */   AuthenticationErrorName: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.GJ),
/* harmony export */   AuthenticationRequiredError: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.WT),
/* harmony export */   AuthorizationCodeCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.KN),
/* harmony export */   AzureAuthorityHosts: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.En),
/* harmony export */   AzureCliCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.nG),
/* harmony export */   AzureDeveloperCliCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.zL),
/* harmony export */   AzurePipelinesCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.QW),
/* harmony export */   AzurePowerShellCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.sj),
/* harmony export */   ChainedTokenCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.Rk),
/* harmony export */   ClientAssertionCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.XI),
/* harmony export */   ClientCertificateCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.m0),
/* harmony export */   ClientSecretCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.HC),
/* harmony export */   CredentialUnavailableError: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.oT),
/* harmony export */   CredentialUnavailableErrorName: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.Pg),
/* harmony export */   DefaultAzureCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.gv),
/* harmony export */   DeviceCodeCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.JJ),
/* harmony export */   EnvironmentCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.lp),
/* harmony export */   InteractiveBrowserCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.Gk),
/* harmony export */   ManagedIdentityCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.NC),
/* harmony export */   OnBehalfOfCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.Mf),
/* harmony export */   UsernamePasswordCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.Ne),
/* harmony export */   VisualStudioCodeCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.BD),
/* harmony export */   WorkloadIdentityCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.R9),
/* harmony export */   createDefaultHttpClient: () => (/* reexport safe */ _azure_core_rest_pipeline__WEBPACK_IMPORTED_MODULE_4__.fl),
/* harmony export */   deserializeAuthenticationRecord: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.HB),
/* harmony export */   getBearerTokenProvider: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.Ob),
/* harmony export */   getDefaultAzureCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.Us),
/* harmony export */   logger: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.vF),
/* harmony export */   redactLibraryLog: () => (/* binding */ redactLibraryLog),
/* harmony export */   serializeAuthenticationRecord: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.WA),
/* harmony export */   useIdentityPlugin: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_3__.JC)
/* harmony export */ });
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _azure_logger__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7567);
/* harmony import */ var _lib_text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9112);
/* harmony import */ var _azure_identity__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5563);
/* harmony import */ var _azure_core_rest_pipeline__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7881);
// The identity library, loaded on first use (methods import it dynamically): bad input fails before it loads. One
// module, so the bundle keeps it in one chunk that every method shares.





/** Longest library log line shown: a line per event, never a dump of a socket or a request. */
const MAX_LOG_LINE = 2000;
/**
 * With AZURE_LOG_LEVEL set, the library logs what it does (the proxy URL with its password, server answers, TLS
 * options). Its lines go to stderr as they would, but made safe first: the secrets and any token or key removed, no
 * workflow command left, one bounded line each.
 */
function redactLibraryLog(secrets) {
    _azure_logger__WEBPACK_IMPORTED_MODULE_1__/* .AzureLogger */ .i2.log = (...args) => {
        process.stderr.write(`${(0,_lib_text_js__WEBPACK_IMPORTED_MODULE_2__/* .sanitizeServerText */ .c8)((0,node_util__WEBPACK_IMPORTED_MODULE_0__.format)(...args), secrets, MAX_LOG_LINE)}\n`);
    };
}


/***/ })

};
