"""The API's views, one module per question; ``app.api.views`` routes them."""
