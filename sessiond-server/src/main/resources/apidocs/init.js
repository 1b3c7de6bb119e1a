// Renders the OpenAPI document that sessiond serves beside this page (from its jar, as is Redoc).
Redoc.init('/docs/openapi.yaml', { expandResponses: '200,201,204', pathInMiddlePanel: true },
  document.getElementById('redoc'));
