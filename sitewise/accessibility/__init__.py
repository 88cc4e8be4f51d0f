"""sitewise.accessibility"""
