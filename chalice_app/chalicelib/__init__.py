"""Deployed logic of the call-recording app. Chalice packages only this folder with app.py."""
