export const id = 574;
export const ids = [574];
export const modules = {

/***/ 7574:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AggregateAuthenticationError: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__._x),
/* harmony export */   AggregateAuthenticationErrorName: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.PV),
/* harmony export */   AuthenticationError: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.v3),
/* harmony export */   AuthenticationErrorName: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.GJ),
/* harmony export */   AuthenticationRequiredError: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.WT),
/* harmony export */   AuthorizationCodeCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.KN),
/* harmony export */   AzureAuthorityHosts: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.En),
/* harmony export */   AzureCliCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.nG),
/* harmony export */   AzureDeveloperCliCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.zL),
/* harmony export */   AzurePipelinesCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.QW),
/* harmony export */   AzurePowerShellCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.sj),
/* harmony export */   ChainedTokenCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.Rk),
/* harmony export */   ClientAssertionCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.XI),
/* harmony export */   ClientCertificateCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.m0),
/* harmony export */   ClientSecretCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.HC),
/* harmony export */   CredentialUnavailableError: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.oT),
/* harmony export */   CredentialUnavailableErrorName: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.Pg),
/* harmony export */   DefaultAzureCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.gv),
/* harmony export */   DeviceCodeCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.JJ),
/* harmony export */   EnvironmentCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.lp),
/* harmony export */   InteractiveBrowserCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.Gk),
/* harmony export */   ManagedIdentityCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.NC),
/* harmony export */   OnBehalfOfCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.Mf),
/* harmony export */   UsernamePasswordCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.Ne),
/* harmony export */   VisualStudioCodeCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.BD),
/* harmony export */   WorkloadIdentityCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.R9),
/* harmony export */   deserializeAuthenticationRecord: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.HB),
/* harmony export */   getBearerTokenProvider: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.Ob),
/* harmony export */   getDefaultAzureCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.Us),
/* harmony export */   logger: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.vF),
/* harmony export */   serializeAuthenticationRecord: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.WA),
/* harmony export */   useIdentityPlugin: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.JC)
/* harmony export */ });
/* harmony import */ var _azure_identity__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8256);
// The identity library, loaded on first use (methods import it dynamically): bad input fails before it loads. One
// module, so the bundle keeps it in one chunk that every method shares.



/***/ })

};
