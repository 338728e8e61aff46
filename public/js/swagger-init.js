/* global SwaggerUIBundle */
// Kept out of the page so the Content-Security-Policy needs no inline script.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
});
