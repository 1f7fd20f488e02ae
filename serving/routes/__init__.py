"""The API's routes, one router per resource; serving.app includes them in this order.

    score.py        POST /v1/score
    model.py        GET /v1/model, POST /admin/reload
    feedback.py     POST /v1/feedback
    operations.py   GET /healthz, /readyz, /metrics
    claims.py       /v1/claims (add, search, list, get)
    moderations.py  POST /v1/moderations (the OpenAI moderation contract)
    console/        /console (the browser console for analysts; its own login)

Shared dependencies (settings, callers, the scorer, the batcher, the stores) come from serving.deps.
"""
