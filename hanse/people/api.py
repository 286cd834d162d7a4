from ninja import Router

people_router = Router(tags=["people"])
orgunits_router = Router(tags=["org units"])
