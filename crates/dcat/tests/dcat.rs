//! The DCAT-AP 3 export of a fixed catalog: its exact triples, the official SHACL shapes
//! (pyshacl), and the round trip through the readers.

#[path = "dcat/fixture.rs"]
mod fixture;
#[path = "dcat/shapes.rs"]
mod shapes;
#[path = "dcat/triples.rs"]
mod triples;
