"""sitewise.browsers"""
