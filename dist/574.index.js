export const id = 574;
export const ids = [574];
export const modules = {

/***/ 7574:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AzureCliCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.nG),
/* harmony export */   AzurePowerShellCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.sj),
/* harmony export */   ClientAssertionCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.XI),
/* harmony export */   ClientCertificateCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.m0),
/* harmony export */   ClientSecretCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.HC),
/* harmony export */   ManagedIdentityCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.NC),
/* harmony export */   WorkloadIdentityCredential: () => (/* reexport safe */ _azure_identity__WEBPACK_IMPORTED_MODULE_0__.R9)
/* harmony export */ });
/* harmony import */ var _azure_identity__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2076);
// The identity library, loaded on first use (methods import it dynamically): bad input fails before it loads. One
// module, so the bundle keeps it in one chunk that every method shares.



/***/ })

};
