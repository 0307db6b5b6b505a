//! The estate's tables with their tags, as an inventory at the end of the window would list
//! them: the input of tag coverage, with the drift teams really have (see `world::make_tags`):
//! `environment`, `Env` and `security` beside `Environment` and `Security`, values such as
//! `Prod`, `production ` (a trailing space), `PROD` and `prd`, `PII` beside `confidential`,
//! keys missing, about one table in ten with no tags of its own, and CloudFormation's `aws:`
//! tags on stack-made tables. Planned TagResource and UntagResource changes are applied.

use crate::world::World;
use crate::{span_of, world_params, GenConfig};

/// One table and its tags, in the order they were set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedTable {
    pub account: String,
    pub region: String,
    pub name: String,
    pub arn: String,
    pub tags: Vec<(String, String)>,
}

/// The tables of the estate `cfg` describes that exist at its end (tables deleted during the
/// window are left out, so there are slightly fewer than `cfg.tables`), sorted by account,
/// region and name. The same as [`crate::Generator::tagged_tables`] for `cfg`, and as the
/// Config items and inventory of the files it generates; deterministic like everything here.
///
/// ```
/// let cfg = ddb_lens_gen::GenConfig { tables: 300, seed: 7, ..Default::default() };
/// let tables = ddb_lens_gen::tagged_tables(&cfg);
/// assert!(tables.len() > 280 && tables.len() <= 300);
/// ```
pub fn tagged_tables(cfg: &GenConfig) -> Vec<GeneratedTable> {
    from_world(&World::build(&world_params(cfg, span_of(cfg))))
}

pub(crate) fn from_world(world: &World) -> Vec<GeneratedTable> {
    let mut out: Vec<GeneratedTable> = world
        .streams
        .iter()
        .flat_map(|st| {
            let account = &world.accounts[st.account].id;
            st.tables
                .iter()
                .filter(|t| t.exists_at_end())
                .map(move |t| GeneratedTable {
                    account: account.clone(),
                    region: st.region.to_string(),
                    name: t.name.clone(),
                    arn: t.arn.clone(),
                    tags: t.final_state().tags.clone(),
                })
        })
        .collect();
    out.sort_by(|a, b| (&a.account, &a.region, &a.name).cmp(&(&b.account, &b.region, &b.name)));
    out
}
