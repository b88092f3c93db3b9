"""The files between stages, as models shared by the stage that writes each and the
stages that read it: the formats are the edges of the data flow, the stages
(pipeline/stages) its nodes. docs/ARCHITECTURE.md describes each.
"""
