"""sitewise.keyboard"""
